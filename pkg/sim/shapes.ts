// GitHub REST/webhook body shapes built from the simulator's model, with every field the official schemas require.
import type { SimJob, SimRun, SimRunner } from './model.js';

const HTML = 'https://github.com';

export function userShape(api: string, login: string, id: number, type: 'User' | 'Organization' = 'Organization') {
  const u = `${api}/users/${login}`;
  return {
    login, id, node_id: `MDQ6VXNlcj${id}`, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: '',
    url: u, html_url: `${HTML}/${login}`, followers_url: `${u}/followers`, following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`, starred_url: `${u}/starred{/owner}{/repo}`, subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`, repos_url: `${u}/repos`, events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`, type, site_admin: false,
  };
}

/** The minimal-repository fields plus the extra ones webhook payloads require. */
export function repoShape(api: string, fullName: string, id: number, ownerId: number) {
  const [owner, name] = fullName.split('/');
  const u = `${api}/repos/${fullName}`;
  const at = '2020-01-01T00:00:00Z';
  return {
    id, node_id: `R_kgDO${id}`, name, full_name: fullName, private: true, owner: userShape(api, owner, ownerId),
    html_url: `${HTML}/${fullName}`, description: null, fork: false, url: u,
    archive_url: `${u}/{archive_format}{/ref}`, assignees_url: `${u}/assignees{/user}`, blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`, collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`, commits_url: `${u}/commits{/sha}`, compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`, contributors_url: `${u}/contributors`, deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`, events_url: `${u}/events`, forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`, git_refs_url: `${u}/git/refs{/sha}`, git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://github.com/${fullName}.git`, issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`, issues_url: `${u}/issues{/number}`, keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`, languages_url: `${u}/languages`, merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`, notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`, releases_url: `${u}/releases{/id}`, ssh_url: `git@github.com:${fullName}.git`,
    stargazers_url: `${u}/stargazers`, statuses_url: `${u}/statuses/{sha}`, subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`, tags_url: `${u}/tags`, teams_url: `${u}/teams`, trees_url: `${u}/git/trees{/sha}`,
    clone_url: `${HTML}/${fullName}.git`, mirror_url: null, hooks_url: `${u}/hooks`, svn_url: `${HTML}/${fullName}`,
    homepage: null, language: null, forks_count: 0, forks: 0, stargazers_count: 0, watchers_count: 0, watchers: 0,
    size: 0, default_branch: 'main', open_issues_count: 0, open_issues: 0, has_issues: true, has_projects: false,
    has_wiki: false, has_pages: false, has_downloads: true, archived: false, disabled: false, license: null,
    pushed_at: at, created_at: at, updated_at: at,
  };
}

export function runnerShape(r: SimRunner, busyVisible: boolean) {
  return {
    id: r.id, name: r.name, os: r.os, status: r.status, busy: busyVisible,
    ephemeral: r.ephemeral, runner_group_id: r.runnerGroupId, labels: r.labels.map((l) => ({ ...l })),
  };
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export function jobShape(api: string, j: SimJob) {
  const u = `${api}/repos/${j.repository}`;
  const done = j.status === 'completed';
  return {
    id: j.id, run_id: j.runId, run_url: `${u}/actions/runs/${j.runId}`, run_attempt: 1, node_id: `CR_kwDO${j.id}`,
    head_sha: j.headSha, url: `${u}/actions/jobs/${j.id}`, html_url: `${HTML}/${j.repository}/actions/runs/${j.runId}/job/${j.id}`,
    status: j.status, conclusion: j.conclusion, created_at: iso(j.createdAt)!,
    // GitHub reports started_at as the creation time until a runner picks the job up.
    started_at: iso(j.startedAt ?? j.createdAt)!, completed_at: iso(j.completedAt),
    name: j.name, steps: done || j.status === 'in_progress' ? stepsShape(j) : [],
    check_run_url: `${u}/check-runs/${j.id}`, labels: [...j.labels],
    runner_id: j.runnerId, runner_name: j.runnerName,
    runner_group_id: j.runnerId == null ? null : 1, runner_group_name: j.runnerId == null ? null : 'Default',
    workflow_name: 'CI', head_branch: 'main',
  };
}

function stepsShape(j: SimJob) {
  const done = j.status === 'completed';
  return [{
    name: 'Set up job', status: done ? 'completed' : 'in_progress', conclusion: done ? j.conclusion : null, number: 1,
    started_at: iso(j.startedAt), completed_at: done ? iso(j.completedAt) : null,
  }];
}

export function runStatus(jobs: SimJob[]): { status: string; conclusion: string | null } {
  if (jobs.length > 0 && jobs.every((j) => j.status === 'completed')) {
    const failed = jobs.find((j) => j.conclusion !== 'success');
    return { status: 'completed', conclusion: failed ? failed.conclusion : 'success' };
  }
  if (jobs.some((j) => j.status === 'in_progress' || j.status === 'completed')) return { status: 'in_progress', conclusion: null };
  if (jobs.length > 0 && jobs.every((j) => j.status === 'waiting')) return { status: 'waiting', conclusion: null };
  return { status: 'queued', conclusion: null };
}

export function runShape(api: string, run: SimRun, jobs: SimJob[], repoId: number, ownerId: number) {
  const u = `${api}/repos/${run.repository}/actions/runs/${run.id}`;
  const { status, conclusion } = runStatus(jobs);
  const repo = repoShape(api, run.repository, repoId, ownerId);
  const updated = Math.max(run.createdAt, ...jobs.map((j) => j.completedAt ?? j.startedAt ?? j.createdAt));
  return {
    id: run.id, name: 'CI', node_id: `WFR_kwLO${run.id}`, head_branch: 'main', head_sha: run.headSha, path: '.github/workflows/ci.yml',
    display_title: 'CI', run_number: run.id, run_attempt: 1, event: 'push', status, conclusion, workflow_id: 1,
    url: u, html_url: `${HTML}/${run.repository}/actions/runs/${run.id}`, pull_requests: [],
    created_at: iso(run.createdAt)!, updated_at: iso(updated)!, run_started_at: iso(run.createdAt)!,
    jobs_url: `${u}/jobs`, logs_url: `${u}/logs`, check_suite_url: `${api}/repos/${run.repository}/check-suites/${run.id}`,
    artifacts_url: `${u}/artifacts`, cancel_url: `${u}/cancel`, rerun_url: `${u}/rerun`,
    workflow_url: `${api}/repos/${run.repository}/actions/workflows/1`,
    head_commit: {
      id: run.headSha, tree_id: run.headSha, message: 'simulated commit', timestamp: iso(run.createdAt)!,
      author: { name: 'sim', email: 'sim@example.invalid' }, committer: { name: 'sim', email: 'sim@example.invalid' },
    },
    repository: repo, head_repository: repo,
  };
}
