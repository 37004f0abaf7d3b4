import { labelOverlapWarnings } from '../../../controllers/matching.js';
import { parseSpecText } from '../../../pkg/spec/index.js';

const pool = (name: string, scope: string, labels: string[]) =>
  `apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: ${name}\nspec:\n  ${scope}\n  runner:\n    image: img\n    labels: [${labels.join(', ')}]\n`;
const specs = (...docs: string[]) => parseSpecText(docs.join('---\n'), 'p.yaml').pools.map((p) => p.spec);

describe('labelOverlapWarnings', () => {
  test.each<[string, string[], string[]]>([
    ['a superset pool in the same repository is named', [pool('cpu', 'repository: acme/app', ['self-hosted', 'linux']), pool('gpu', 'repository: acme/app', ['self-hosted', 'Linux', 'gpu'])], ['runners of pool gpu carry every label of pool cpu']],
    ['an org pool over the same repository counts as the same scope', [pool('cpu', 'repository: acme/app', ['self-hosted']), pool('org', 'organization: acme', ['self-hosted', 'big'])], ['runners of pool org carry every label of pool cpu']],
    ['disjoint labels: nothing', [pool('cpu', 'repository: acme/app', ['self-hosted', 'cpu']), pool('gpu', 'repository: acme/app', ['self-hosted', 'gpu'])], []],
    ['different repositories: nothing', [pool('a', 'repository: acme/one', ['self-hosted']), pool('b', 'repository: acme/two', ['self-hosted', 'x'])], []],
    ['identical labels: said once', [pool('a', 'repository: acme/app', ['self-hosted']), pool('b', 'repository: acme/app', ['SELF-HOSTED'])], ['pools a and b have the same labels']],
  ])('%s', (_n, docs, expected) => {
    const w = labelOverlapWarnings(specs(...docs));
    expect(w).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(w[i]).toContain(e));
  });
});
