import type { ComponentName, PortPurpose } from '../components/component';

/**
 * An address the target really opens to the services (a Docker port published on the host,
 * an AWS discovery name with the port opened in a security group). Targets report these
 * from what they placed, so the endpoint check compares the services' env with the real
 * thing rather than with the descriptor the env was rendered from.
 */
export interface Exposure {
  readonly component: ComponentName;
  readonly purpose: PortPurpose;
  /** Host names that reach it (`localhost` and `127.0.0.1` for a port published on loopback). */
  readonly hosts: readonly string[];
  readonly port: number;
}
