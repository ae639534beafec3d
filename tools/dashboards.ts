// Type-checks every provisioned dashboard (grafana/dashboards/*.json) against @grafana/schema's Dashboard type:
// `npx tsc --noEmit` fails on a missing required field, a value of the wrong type, or a misspelt dashboard key.
// Add a line here for each new dashboard file.
import type { Dashboard } from '@grafana/schema';
import fleet from '../grafana/dashboards/satwatch-fleet.json' with { type: 'json' };
import run from '../grafana/dashboards/satwatch-run.json' with { type: 'json' };
import streams from '../grafana/dashboards/satwatch-streams.json' with { type: 'json' };

// TypeScript types an imported JSON file with widened literals ("absolute" becomes string), which no string enum
// such as ThresholdsMode accepts. Widen applies the same widening to the schema, keeping its structure: required
// fields, nesting and value kinds are still checked; the spelling of enum values is left to Grafana.
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Widen<U>[]
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;

type DashboardJson = Widen<Dashboard>;

// Assigning an imported JSON value skips TypeScript's excess-property check, so a misspelt key would pass
// silently; Exact turns every dashboard key that the schema does not declare into a type error.
type Exact<T> = T & Record<Exclude<keyof T, keyof DashboardJson>, never>;

function check<T extends DashboardJson>(dashboard: Exact<T>): DashboardJson {
  return dashboard;
}

export const dashboards: DashboardJson[] = [check(fleet), check(run), check(streams)];
