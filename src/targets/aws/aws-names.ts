/** The names an AWS stack gives its discovery domain and buckets, unless its props name them (no cdktf here: `o11y init` checks them). */
export interface AwsNameProps {
  readonly discoveryDomain?: string;
  readonly tracesBucket?: string;
  readonly logsBucket?: string;
  readonly configBucket?: string;
  readonly accessLogsBucket?: string;
}

export function awsNames(name: string, environment: string, props: AwsNameProps) {
  return {
    accessLogsBucket: props.accessLogsBucket ?? `${name}-${environment}-o11y-access-logs`,
    discoveryDomain: props.discoveryDomain ?? `${name}-${environment}.o11y.internal`,
    tracesBucket: props.tracesBucket ?? `${name}-${environment}-tempo-traces`,
    logsBucket: props.logsBucket ?? `${name}-${environment}-loki-logs`,
    configBucket: props.configBucket ?? `${name}-${environment}-o11y-config`,
  };
}
