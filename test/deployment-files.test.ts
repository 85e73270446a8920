import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The deployment as files: docker-compose.yml and the Dockerfile hold what a deployment needs
 * (there is no Docker engine here to run them). The compose file is also checked by Debian's
 * docker-compose parser when it is installed (.ci/run installs it).
 */
const root = path.resolve(__dirname, '..');
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
type Service = {
  image?: string; build?: unknown; command?: string[] | string; entrypoint?: string[]; restart?: string; profiles?: string[];
  deploy?: { replicas?: number }; ports?: string[]; expose?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> | string[];
};
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const commandOf = (service: Service) => [service.entrypoint ?? [], service.command ?? []].flat().join(' ');
const SECRETS = ['DATA_ENCRYPTION_KEY', 'MOOV_SECRET_KEY', 'MOOV_WEBHOOK_SECRET', 'PLAID_SECRET', 'SPRUCE_WEBHOOK_SECRET'];

describe('deployment files', () => {
  it('runs Temporal on PostgreSQL with its schema set up by its own tool and a retention that covers the money windows', () => {
    expect(composeText).not.toMatch(/auto-setup|tctl/);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    const schema = commandOf(services['temporal-schema']!);
    expect(schema).toMatch(/temporal-sql-tool --plugin postgres12/);
    expect(schema).toMatch(/setup-schema/);
    expect(schema).toMatch(/update-schema -d \/etc\/temporal\/schema\/postgresql\/v12\/\$\$dir\/versioned/);
    const retention = /--retention (\d+)d/.exec(commandOf(services['temporal-namespace']!));
    // Card disputes come up to 120 days after settlement; the payment's runs stay readable meanwhile.
    expect(Number(retention?.[1])).toBeGreaterThanOrEqual(120);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('runs two API replicas behind a proxy and two workers, from the compiled build, after the migration job', () => {
    expect(services.api!.deploy?.replicas).toBe(2);
    expect(services.worker!.deploy?.replicas).toBe(2);
    // Only the proxy publishes a port: fixed host ports would collide between replicas.
    expect(services.api!.ports).toBeUndefined();
    expect(services.proxy!.ports).toEqual(['8000:8000']);
    expect(readFileSync(path.join(root, 'scripts/docker/proxy.conf'), 'utf8')).toMatch(/set \$api http:\/\/api:3000;\s+proxy_pass \$api;/);
    expect(commandOf(services.api!)).toBe('node build/api/server.js');
    expect(commandOf(services.worker!)).toBe('node build/worker.js');
    expect(commandOf(services.migrate!)).toBe('node build/scripts/migrate.js latest');
    expect(services.api!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'api', 'worker', 'proxy']) expect({ name, restart: services[name]!.restart }).toEqual({ name, restart: 'unless-stopped' });
    // Every compiled entry point the file runs is compiled by the build.
    const build = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    for (const entry of ['api/server.ts', 'worker.ts', 'scripts/migrate.ts', 'scripts/seed.ts', 'emulators/main.ts']) {
      expect(existsSync(path.join(root, entry))).toBe(true);
      expect(build.include.some((pattern) => pattern === entry || (pattern.endsWith('/**/*.ts') && entry.startsWith(pattern.slice(0, -'**/*.ts'.length))))).toBe(true);
    }
  });

  it('sets production apart: secrets required, one proxy hop trusted, emulators and demo data only in the demo profile', () => {
    const env = services.api!.environment!;
    expect(env).toMatchObject({ NODE_ENV: 'production', TRUST_PROXY: '1' });
    for (const secret of SECRETS) expect({ secret, value: env[secret] }).toEqual({ secret, value: expect.stringMatching(new RegExp(`^\\$\\{${secret}:\\?`)) });
    for (const name of ['emulators', 'seed']) expect({ name, profiles: services[name]!.profiles }).toEqual({ name, profiles: ['demo'] });
    for (const [name, service] of Object.entries(services)) if (!['emulators', 'seed'].includes(name)) expect({ name, profiles: service.profiles }).toEqual({ name, profiles: undefined });
    // Reachable from the other containers and, through published ports, from the browser.
    expect(services.emulators!.environment).toMatchObject({ EMULATOR_HOST: '0.0.0.0', MOOV_EMULATOR_WEBHOOK_URL: 'http://proxy:8000/webhooks/moov' });
    expect(env.MOOV_BROWSER_URL).toMatch(/localhost:4020/);
    expect(services.emulators!.ports).toEqual(expect.arrayContaining(['4020:4020', '4030:4030', '4040:4040']));
  });

  it('names one Node LTS everywhere: engines, .nvmrc, the image and the Node CI provisions', () => {
    const major = readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
    expect(Number(major) % 2 === 0 && Number(major) >= 22).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toMatch(new RegExp(`^>=${major}\\.\\d+$`));
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node: string } }> };
    expect(lock.packages['']!.engines).toEqual(pkg.engines);
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`ARG NODE_IMAGE=node:${major}-`));
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(new RegExp(`^NODE_VERSION=${major}\\.\\d+\\.\\d+$`, 'm'));
  });

  it('builds a lean image: runtime dependencies only, non-root, an init process and a healthcheck', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(3);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:22-/);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/RUN npm run build\n/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/usr\/bin\/tini", "--"\]/);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).not.toMatch(/tsx/);
  });

  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  (dockerCompose.status === 0 ? it : it.skip)('parses with docker-compose, and refuses to start without the secrets', () => {
    const secrets = Object.fromEntries(SECRETS.map((name) => [name, `${name.toLowerCase()}-0123456789abcdef`]));
    const run = (env: Record<string, string>) => spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--quiet'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    const ok = run(secrets);
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    const missing = run({ ...secrets, DATA_ENCRYPTION_KEY: '' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/set DATA_ENCRYPTION_KEY/);
  });
});
