// Writes every PromQL expression of the provisioned Grafana dashboards as a Prometheus rules file (JSON, which is
// YAML) on stdout, so that `promtool check rules` parses each one:
//   node tools/dashboard-promql.mjs > /tmp/dashboards.rules.json && promtool check rules /tmp/dashboards.rules.json
// Grafana's variables are replaced by values of the right kind first ($__rate_interval by a duration, $run by a
// label value); label_values(selector, label) variable queries contribute their selector.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'grafana', 'dashboards');

const DURATIONS = { __rate_interval: '1m', __interval: '15s', __range: '1h' };

function substitute(expr) {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_, braced, bare) => {
    const name = braced ?? bare;
    return DURATIONS[name] ?? 'x';
  });
}

function variableSelector(query) {
  const text = typeof query === 'string' ? query : query?.query ?? '';
  const m = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/s.exec(text);
  return m ? m[1] : null;
}

function panelsOf(panels) {
  return (panels ?? []).flatMap((p) => [p, ...panelsOf(p.panels)]);
}

const groups = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const rules = [];
  for (const panel of panelsOf(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      if (target.expr) {
        rules.push({ alert: `${file} panel ${panel.id} "${panel.title}" ${target.refId}`, expr: substitute(target.expr) });
      }
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const selector = variable.type === 'query' ? variableSelector(variable.query) : null;
    if (selector) {
      rules.push({ alert: `${file} variable ${variable.name}`, expr: substitute(selector) });
    } else if (variable.type === 'query') {
      throw new Error(`${file}: variable ${variable.name}: only label_values(selector, label) queries are checked`);
    }
  }
  if (rules.length === 0) {
    throw new Error(`${file}: no PromQL expressions found`);
  }
  groups.push({ name: file, rules });
}
process.stdout.write(JSON.stringify({ groups }, null, 2) + '\n');
