/** Where the dashboard JSON files live in the Grafana container (outside the data volume). */
export const GRAFANA_DASHBOARDS_DIR = '/etc/grafana/dashboards';

export interface GrafanaDashboardProviderOptions {
  /** Folder in the container that holds the dashboard JSON files. @default GRAFANA_DASHBOARDS_DIR */
  readonly path?: string;
  /** Grafana folder the dashboards appear in. @default "o11y-stack" */
  readonly folder?: string;
}

/**
 * `provisioning/dashboards/dashboards.yaml` (apiVersion 1). Keys as Grafana reads them
 * (grafana/grafana pkg/services/provisioning/dashboards/types.go, `configs`). The dashboards
 * come from the spec, so the UI may not change or delete them (`allowUiUpdates: false`,
 * `disableDeletion: true`); a fixed `folderUid` keeps the folder stable across restarts.
 */
export function renderGrafanaDashboardProvider(opts: GrafanaDashboardProviderOptions = {}): Record<string, unknown> {
  const folder = opts.folder ?? 'o11y-stack';
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'o11y-stack',
        orgId: 1,
        type: 'file',
        folder,
        folderUid: folder,
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: opts.path ?? GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}
