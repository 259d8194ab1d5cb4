import type { StackPlan } from '../components/plan';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml } from './config-tree';

/**
 * Prometheus refuses a config with two scrape jobs of one name (`promtool check config`
 * fails and the server does not start): every generated job name must be unique.
 */
export function checkScrapeJobs(plan: StackPlan): Issue[] {
  const cfg = renderedYaml(plan, 'prometheus.yml');
  if (!cfg) return [];
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  arr(cfg.scrape_configs).forEach((sc, i) => {
    const name = obj(sc).job_name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) issues.push(issue(`prometheus.yml: scrape_configs[${i}].job_name`, `duplicates scrape_configs[${first}].job_name: Prometheus refuses the config`, name));
    else seen.set(name, i);
  });
  return issues;
}
