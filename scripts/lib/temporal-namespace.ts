import { spawnSync } from 'node:child_process';
import { devServerSearchAttributeArgs } from '../../workflows/search-attributes';

/**
 * A namespace with its retention and the product's search attributes, through the Temporal
 * CLI's operator commands: the production topology's `default`, or a test's namespace of its
 * own (cluster-wide schedules there are its alone). Already existing is fine.
 */
export function createNamespace(cli: string, address: string, namespace: string, retentionHours: number): void {
  const temporal = (args: string[]) => spawnSync(cli, [...args, '--address', address], { encoding: 'utf8' });
  const created = temporal(['operator', 'namespace', 'create', '--namespace', namespace, '--retention', `${retentionHours}h`]);
  if (created.status !== 0 && !/already/i.test(created.stderr)) throw new Error(`namespace create failed: ${created.stderr}`);
  // The same Name=Type pairs the dev server is started with.
  const pairs = devServerSearchAttributeArgs().filter((arg) => arg !== '--search-attribute');
  for (const pair of pairs) {
    const [name = '', type = ''] = pair.split('=');
    const attribute = temporal(['operator', 'search-attribute', 'create', '--namespace', namespace, '--name', name, '--type', type]);
    if (attribute.status !== 0 && !/already/i.test(attribute.stderr)) throw new Error(`search attribute ${name}: ${attribute.stderr}`);
  }
}
