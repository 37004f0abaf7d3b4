import { parseDockerEndpoint } from '../../../pkg/docker/dockerode-port.js';

test.each([
  [undefined, {}],
  ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
  ['/run/user/1000/docker.sock', { socketPath: '/run/user/1000/docker.sock' }],
  ['tcp://10.0.0.5:2376', { host: '10.0.0.5', port: 2376 }],
  ['tcp://docker-host', { host: 'docker-host', port: 2375 }],
  ['http://127.0.0.1:2375', { host: '127.0.0.1', port: 2375 }],
])('%s', (input, want) => {
  expect(parseDockerEndpoint(input)).toEqual(want);
});
