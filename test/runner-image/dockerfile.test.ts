/**
 * The Dockerfile cannot be built here (no downloads), so its promises are checked statically: pinned and verified
 * runner download, tini as init, and every package of the documented dependency lists (see runner-image/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageDir } from './test-image.js';

const dockerfile = readFileSync(join(imageDir, 'Dockerfile'), 'utf8');
/** Every word of the apt-get install lines. */
const installed = new Set(
  dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.includes('apt-get install'))
    .flatMap((line) => line.split(/\s+/)),
);

// actions/runner src/Misc/layoutbin/installdependencies.sh, with Ubuntu 24.04 package names.
const RUNNER_DEPS = ['libkrb5-3', 'zlib1g', 'liblttng-ust1t64', 'libssl3t64', 'libicu74'];
// playwright-core src/server/registry/nativeDeps.ts, 'ubuntu24.04-x64'.
const PLAYWRIGHT_TOOLS = ['xvfb', 'fonts-noto-color-emoji', 'fonts-unifont', 'libfontconfig1', 'libfreetype6', 'xfonts-cyrillic', 'xfonts-scalable', 'fonts-liberation', 'fonts-ipafont-gothic', 'fonts-wqy-zenhei', 'fonts-tlwg-loma-otf', 'fonts-freefont-ttf'];
const PLAYWRIGHT_CHROMIUM = ['libasound2t64', 'libatk-bridge2.0-0t64', 'libatk1.0-0t64', 'libatspi2.0-0t64', 'libcairo2', 'libcups2t64', 'libdbus-1-3', 'libdrm2', 'libgbm1', 'libglib2.0-0t64', 'libnspr4', 'libnss3', 'libpango-1.0-0', 'libx11-6', 'libxcb1', 'libxcomposite1', 'libxdamage1', 'libxext6', 'libxfixes3', 'libxkbcommon0', 'libxrandr2'];
const PLAYWRIGHT_FIREFOX = ['libasound2t64', 'libatk1.0-0t64', 'libcairo-gobject2', 'libcairo2', 'libdbus-1-3', 'libfontconfig1', 'libfreetype6', 'libgdk-pixbuf-2.0-0', 'libglib2.0-0t64', 'libgtk-3-0t64', 'libpango-1.0-0', 'libpangocairo-1.0-0', 'libx11-6', 'libx11-xcb1', 'libxcb-shm0', 'libxcb1', 'libxcomposite1', 'libxcursor1', 'libxdamage1', 'libxext6', 'libxfixes3', 'libxi6', 'libxrandr2', 'libxrender1'];
const PLAYWRIGHT_WEBKIT = ['gstreamer1.0-libav', 'gstreamer1.0-plugins-bad', 'gstreamer1.0-plugins-base', 'gstreamer1.0-plugins-good', 'libicu74', 'libatomic1', 'libatk-bridge2.0-0t64', 'libatk1.0-0t64', 'libcairo-gobject2', 'libcairo2', 'libdbus-1-3', 'libdrm2', 'libenchant-2-2', 'libepoxy0', 'libevent-2.1-7t64', 'libflite1', 'libfontconfig1', 'libfreetype6', 'libgbm1', 'libgdk-pixbuf-2.0-0', 'libgles2', 'libglib2.0-0t64', 'libgstreamer-gl1.0-0', 'libgstreamer-plugins-bad1.0-0', 'libgstreamer-plugins-base1.0-0', 'libgstreamer1.0-0', 'libgtk-3-0t64', 'libharfbuzz-icu0', 'libharfbuzz0b', 'libhyphen0', 'libjpeg-turbo8', 'liblcms2-2', 'libmanette-0.2-0', 'libopus0', 'libpango-1.0-0', 'libpangocairo-1.0-0', 'libpng16-16t64', 'libsecret-1-0', 'libvpx9', 'libwayland-client0', 'libwayland-egl1', 'libwayland-server0', 'libwebp7', 'libwebpdemux2', 'libwoff1', 'libx11-6', 'libxkbcommon0', 'libxml2', 'libxslt1.1', 'libx264-164'];
const BASE_TOOLS = ['git', 'curl', 'jq', 'build-essential', 'sudo', 'tini', 'ca-certificates', 'docker.io'];

describe('runner image Dockerfile', () => {
  it('is based on Ubuntu 24.04', () => {
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=ubuntu:24\.04$/m);
  });

  it('pins the runner version and verifies the download against its SHA-256 before unpacking', () => {
    expect(dockerfile).toMatch(/^ARG RUNNER_VERSION=\d+\.\d+\.\d+$/m);
    expect(dockerfile).toMatch(/^ARG RUNNER_SHA256_AMD64=[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/^ARG RUNNER_SHA256_ARM64=[0-9a-f]{64}$/m);
    const verify = dockerfile.indexOf('sha256sum -c');
    const unpack = dockerfile.indexOf('tar -xzf');
    expect(verify).toBeGreaterThan(0);
    expect(unpack).toBeGreaterThan(verify);
  });

  it('labels the image with the runner version', () => {
    expect(dockerfile).toContain('org.opencontainers.image.version="${RUNNER_VERSION}"');
  });

  it('runs the entrypoint under tini', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "\/usr\/local\/bin\/entrypoint\.sh"\]$/m);
  });

  it.each([
    ['base tools', BASE_TOOLS],
    ['actions/runner dependencies', RUNNER_DEPS],
    ['Playwright tools', PLAYWRIGHT_TOOLS],
    ['Playwright Chromium', PLAYWRIGHT_CHROMIUM],
    ['Playwright Firefox', PLAYWRIGHT_FIREFOX],
    ['Playwright WebKit', PLAYWRIGHT_WEBKIT],
  ])('installs every package of the %s list', (_name, packages) => {
    expect(packages.filter((pkg) => !installed.has(pkg))).toEqual([]);
  });
});
