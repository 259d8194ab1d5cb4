import { containersOf, RunContainer } from './containers';
import { durationMs } from './duration-ms';
import { grantsOf, widening } from './iam-grants';
import { FORCES_NEW, STATEFUL_TYPES } from './forces-new';
import { Risk, risk } from './risk';
import type { ResourceDiff, TerraformEntry } from './terraform-diff';
import { diffTrees, formatPath, formatValue, isObject, Tree } from './tree-diff';
import { imageSourceChange } from './image-source';

type Entries = ReadonlyMap<string, TerraformEntry>;

/**
 * Risk flags read from the two sides' Terraform blocks of one stack; `diffs` (from
 * compareTerraform) says which blocks were added, removed or changed.
 */
export function terraformRisks(stack: string, base: Entries, head: Entries, diffs: readonly ResourceDiff[]): Risk[] {
  const out: Risk[] = [];
  for (const d of diffs) {
    const b = base.get(d.address);
    const h = head.get(d.address);
    if (!h) {
      if (b && STATEFUL_TYPES.has(d.type)) out.push(risk('data-loss', stack, `stateful resource removed: ${d.address}: Terraform deletes it and what it stores`));
      if (PUBLIC_ACCESS_TYPES.has(d.type)) out.push(risk('public-access-changed', stack, `public access block removed: ${d.address}`));
      if (d.type === ENCRYPTION_TYPE) out.push(risk('encryption-changed', stack, `bucket encryption removed: ${d.address}`));
      continue;
    }
    out.push(...iamRisks(stack, b, h));
    if (!b) continue;
    out.push(...replacementRisks(stack, d.type, b, h));
    if (d.type === 'aws_s3_bucket_lifecycle_configuration') out.push(...lifecycleRisks(stack, b, h));
    if (d.type === 'aws_msk_cluster') out.push(...kafkaVolumeRisks(stack, d.address, b, h));
    if (PUBLIC_ACCESS_TYPES.has(d.type)) out.push(...publicAccessRisks(stack, b, h));
    if (d.type === ENCRYPTION_TYPE) {
      const [o, n] = [encryption(b.value), encryption(h.value)];
      if (o !== n) out.push(risk('encryption-changed', stack, `bucket encryption changed: ${d.address}: ${o} → ${n}`));
    }
  }
  out.push(...backendRisks(stack, base.get('terraform'), head.get('terraform')), ...tlsRisks(stack, base, head));
  out.push(...ingressRisks(stack, base, head), ...containerRisks(stack, containersOf(base), containersOf(head)));
  return out;
}

/**
 * MSK only grows a broker's storage (and at most once in 6 hours): a smaller volume fails the
 * apply half-way. A shorter Kafka retention or lower volume in the spec computes one.
 */
function kafkaVolumeRisks(stack: string, address: string, b: TerraformEntry, h: TerraformEntry): Risk[] {
  const volume = (e: TerraformEntry): number | undefined => {
    const v = isObject(e.value) ? e.value : {};
    const info = isObject(v.broker_node_group_info) ? v.broker_node_group_info : {};
    const storage = isObject(info.storage_info) && isObject(info.storage_info.ebs_storage_info) ? info.storage_info.ebs_storage_info : {};
    return typeof storage.volume_size === 'number' ? storage.volume_size : undefined;
  };
  const [bv, hv] = [volume(b), volume(h)];
  if (bv === undefined || hv === undefined || hv >= bv) return [];
  return [risk('tempo-topology-changed', stack, `Kafka broker storage shrinks: ${address}: ${bv} → ${hv} GiB; MSK only grows volumes, so the apply fails: keep tracing.distributed.kafka.volumeGiB at ${bv}`)];
}

/** A changed forces-new attribute: Terraform destroys the resource and creates another. */
function replacementRisks(stack: string, type: string, b: TerraformEntry, h: TerraformEntry): Risk[] {
  const attrs = FORCES_NEW[type] ?? [];
  const [bv, hv] = [isObject(b.value) ? b.value : {}, isObject(h.value) ? h.value : {}];
  const changed = attrs.filter((a) => JSON.stringify(bv[a] ?? null) !== JSON.stringify(hv[a] ?? null));
  if (changed.length === 0) return [];
  const detail = changed.map((a) => `${a} ${formatValue(bv[a])} → ${formatValue(hv[a])}`).join(', ');
  return [
    risk('resource-replaced', stack, `resource replaced: ${h.address}: ${detail} (forces a new resource)`),
    ...(STATEFUL_TYPES.has(type) ? [risk('data-loss', stack, `stateful resource replaced: ${h.address}: the new one starts empty`)] : []),
  ];
}

/** HTTPS listeners (Grafana's load balancer) the head no longer has: the UI goes back to plain HTTP. */
function tlsRisks(stack: string, base: Entries, head: Entries): Risk[] {
  const https = (m: Entries): string[] =>
    [...m.values()].filter((e) => e.type === 'aws_lb_listener' && isObject(e.value) && e.value.protocol === 'HTTPS').map((e) => e.address);
  const kept = new Set(https(head));
  return https(base)
    .filter((a) => !kept.has(a))
    .map((a) => risk('tls-turned-off', stack, `HTTPS listener removed: ${a}: Grafana's password and session cookie would cross the network in clear (grafanaPlainHttp)`));
}

/** The state backend (bucket, key): a change makes Terraform start from an empty state and orphan the old one. */
function backendRisks(stack: string, b: TerraformEntry | undefined, h: TerraformEntry | undefined): Risk[] {
  const backend = (e: TerraformEntry | undefined): Tree => (e && isObject(e.value) && isObject(e.value.backend) ? e.value.backend : {});
  const [ob, nb] = [backend(b), backend(h)];
  if (JSON.stringify(ob) === JSON.stringify(nb)) return [];
  const out: Risk[] = [];
  for (const c of diffTrees(ob, nb)) {
    out.push(risk('state-backend-changed', stack, `state backend changed: ${formatPath(c.path)} ${formatValue(c.old)} → ${formatValue(c.new)}: Terraform would start from an empty state and orphan the old one`));
  }
  return out;
}

const PUBLIC_ACCESS_TYPES = new Set(['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block']);
const ENCRYPTION_TYPE = 'aws_s3_bucket_server_side_encryption_configuration';

function iamRisks(stack: string, b: TerraformEntry | undefined, h: TerraformEntry): Risk[] {
  const granted = grantsOf(h);
  if (!granted) return [];
  const parts = widening(b ? grantsOf(b) : undefined, granted);
  return parts.length ? [risk('iam-widened', stack, `IAM widened: ${h.address}${b ? '' : ' (new)'}: ${parts.join('; ')}`)] : [];
}

/** Expiration settings of each lifecycle rule (by `id`): what decides when data is deleted. */
const EXPIRATION_BLOCKS = ['expiration', 'noncurrent_version_expiration'] as const;

function lifecycleRisks(stack: string, b: TerraformEntry, h: TerraformEntry): Risk[] {
  const rules = (e: TerraformEntry): Map<string, Tree> => {
    const list = isObject(e.value) && Array.isArray(e.value.rule) ? e.value.rule.filter(isObject) : [];
    return new Map(list.map((r, i) => [typeof r.id === 'string' ? r.id : `#${i}`, Object.fromEntries(EXPIRATION_BLOCKS.filter((k) => k in r).map((k) => [k, r[k]]))]));
  };
  const [rb, rh] = [rules(b), rules(h)];
  const out: Risk[] = [];
  for (const id of [...new Set([...rb.keys(), ...rh.keys()])].sort()) {
    for (const c of diffTrees(rb.get(id) ?? {}, rh.get(id) ?? {})) {
      out.push(risk('lifecycle-expiration-changed', stack, `lifecycle expiration changed: ${h.address} rule ${id}: ${formatPath(c.path)} ${formatValue(c.old)} → ${formatValue(c.new)}`));
    }
  }
  return out;
}

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

function publicAccessRisks(stack: string, b: TerraformEntry, h: TerraformEntry): Risk[] {
  const [vb, vh] = [isObject(b.value) ? b.value : {}, isObject(h.value) ? h.value : {}];
  const changed = PUBLIC_ACCESS_FLAGS.filter((k) => vb[k] !== vh[k]).map((k) => `${k} ${formatValue(vb[k])} → ${formatValue(vh[k])}`);
  return changed.length ? [risk('public-access-changed', stack, `public access block changed: ${h.address}: ${changed.join(', ')}`)] : [];
}

/** `AES256`, `aws:kms key arn:…, bucket key`: the rules of a bucket's default encryption in one string. */
function encryption(v: Tree): string {
  const rules = isObject(v) && Array.isArray(v.rule) ? v.rule.filter(isObject) : [];
  const one = (r: Record<string, unknown>): string => {
    const byDefault = Array.isArray(r.apply_server_side_encryption_by_default) ? r.apply_server_side_encryption_by_default[0] : r.apply_server_side_encryption_by_default;
    const d = isObject(byDefault) ? byDefault : {};
    return [String(d.sse_algorithm ?? '(none)'), d.kms_master_key_id ? `key ${String(d.kms_master_key_id)}` : '', r.bucket_key_enabled === true ? 'bucket key' : ''].filter(Boolean).join(', ');
  };
  return rules.length ? rules.map(one).join('; ') : '(none)';
}

/**
 * Who may connect to what on AWS: `aws_vpc_security_group_ingress_rule`s, legacy
 * `aws_security_group_rule`s of type ingress, and a security group's inline `ingress`
 * blocks. Compared by what they allow, not by resource name, so a renamed rule is no risk.
 */
function ingressRisks(stack: string, base: Entries, head: Entries): Risk[] {
  const allowed = new Set(ingress(base).map((r) => r.key));
  return ingress(head)
    .filter((r) => !allowed.has(r.key))
    .map((r) => risk('port-opened', stack, `port opened: ${r.label} allows ${r.what}`));
}

interface Ingress {
  readonly key: string;
  readonly label: string;
  readonly what: string;
}

function ingress(entries: Entries): Ingress[] {
  const out: Ingress[] = [];
  const rule = (label: string, group: unknown, v: Record<string, unknown>, sources: readonly string[]): void => {
    const proto = String(v.ip_protocol ?? v.protocol ?? 'tcp');
    const [from, to] = [v.from_port, v.to_port];
    const ports = proto === '-1' || proto === 'all' ? 'all traffic' : `${proto} ${from === to || to === undefined ? String(from) : `${String(from)}-${String(to)}`}`;
    for (const s of sources) out.push({ key: JSON.stringify([ref(group), proto, from, to, s]), label, what: `${ports} from ${s}` });
  };
  for (const e of entries.values()) {
    const v = e.value;
    if (!isObject(v)) continue;
    if (e.type === 'aws_vpc_security_group_ingress_rule') {
      rule(e.address, v.security_group_id, v, sourcesOf(v, ['cidr_ipv4', 'cidr_ipv6', 'referenced_security_group_id', 'prefix_list_id']));
    } else if (e.type === 'aws_security_group_rule' && v.type === 'ingress') {
      rule(e.address, v.security_group_id, v, [...sourcesOf(v, ['cidr_blocks', 'ipv6_cidr_blocks', 'source_security_group_id', 'prefix_list_ids']), ...(v.self === true ? ['itself'] : [])]);
    } else if (e.type === 'aws_security_group' && Array.isArray(v.ingress)) {
      for (const i of v.ingress.filter(isObject)) rule(`${e.address} ingress`, e.address, i, [...sourcesOf(i, ['cidr_blocks', 'ipv6_cidr_blocks', 'security_groups', 'prefix_list_ids']), ...(i.self === true ? ['itself'] : [])]);
    }
  }
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.what < b.what ? -1 : 1));
}

function sourcesOf(v: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.flatMap((k) => (Array.isArray(v[k]) ? (v[k] as unknown[]) : v[k] === undefined ? [] : [v[k]])).map(ref);
}

/** `${aws_security_group.grafana_AD515EAB.id}` → `aws_security_group.grafana_AD515EAB`: a reference reads as the block it names. */
function ref(v: unknown): string {
  const s = String(v);
  const m = /^\$\{([a-z0-9_]+\.[^.}]+)\.(id|arn)\}$/.exec(s);
  return m ? m[1] : s;
}

const RETENTION_FLAG = '--storage.tsdb.retention.time=';
const EXEMPLAR_FEATURE = 'exemplar-storage';
const REMOTE_WRITE_FLAG = '--web.enable-remote-write-receiver';

/** Images, Prometheus's flags and Docker's published ports of the containers on both sides. */
function containerRisks(stack: string, base: readonly RunContainer[], head: readonly RunContainer[]): Risk[] {
  const out: Risk[] = [];
  const byLabel = new Map(base.map((c) => [c.label, c]));
  for (const h of head) {
    const b = byLabel.get(h.label);
    if (!b) continue;
    if (b.image !== h.image) {
      const source = imageSourceChange(b.image, h.image);
      out.push(
        source
          ? risk('image-source-changed', stack, `image source changed: ${h.label}: ${b.image} → ${h.image} (${source})`)
          : risk('image-changed', stack, `image changed: ${h.label}: ${b.image} → ${h.image}`),
      );
    }
    const [ro, rn] = [flagValue(b.command, RETENTION_FLAG), flagValue(h.command, RETENTION_FLAG)];
    if (ro !== undefined && ro !== rn) {
      const [o, n] = [durationMs(ro), durationMs(rn)];
      // Prometheus keeps 15d without the flag
      if (o !== undefined && (n ?? durationMs('15d')!) < o) out.push(risk('retention-shortened', stack, `metrics retention shortened: ${ro} → ${rn ?? '15d (default)'}`));
    }
    if (features(b.command).has(EXEMPLAR_FEATURE) && !features(h.command).has(EXEMPLAR_FEATURE)) {
      out.push(risk('exemplars-turned-off', stack, `exemplars turned off: ${h.label} no longer has --enable-feature=${EXEMPLAR_FEATURE}`));
    }
    if (b.command.includes(REMOTE_WRITE_FLAG) && !h.command.includes(REMOTE_WRITE_FLAG)) {
      out.push(risk('remote-write-turned-off', stack, `remote-write receiver turned off: ${h.label} no longer has ${REMOTE_WRITE_FLAG}`));
    }
  }
  // the host's view: an address and port that nothing published before
  const published = new Set(base.flatMap((c) => c.published.map((p) => `${p.ip}:${p.port}/${p.protocol}`)));
  for (const h of head) {
    for (const p of h.published) {
      const where = `${p.ip}:${p.port}/${p.protocol}`;
      if (!published.has(where)) out.push(risk('port-opened', stack, `port opened: ${h.label} publishes ${where}`));
    }
  }
  return out;
}

function flagValue(command: readonly string[], prefix: string): string | undefined {
  const flag = command.find((a) => a.startsWith(prefix));
  return flag === undefined ? undefined : flag.slice(prefix.length);
}

/** `--enable-feature=a,b` may be given more than once. */
function features(command: readonly string[]): Set<string> {
  return new Set(command.filter((a) => a.startsWith('--enable-feature=')).flatMap((a) => a.slice('--enable-feature='.length).split(',')));
}
