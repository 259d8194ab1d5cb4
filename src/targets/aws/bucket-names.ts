/** Problems with an S3 bucket name (general purpose buckets), as S3 would refuse it, or as TLS would break it. */
export function bucketNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length < 3 || name.length > 63) out.push('must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]*$/.test(name)) out.push('may contain only lowercase letters, digits, dots and hyphens');
  // an uppercase letter is refused by the rule above; said again here it would read as wrong
  if (!/^[a-zA-Z0-9]/.test(name) || !/[a-zA-Z0-9]$/.test(name)) out.push('must begin and end with a letter or digit');
  if (name.includes('..')) out.push('must not contain two adjacent periods');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) out.push('must not be formatted as an IP address');
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) out.push(`must not start with '${p}' (reserved by S3)`);
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) out.push(`must not end with '${s}' (reserved by S3)`);
  // virtual-hosted-style HTTPS (what Tempo and the AWS CLI use) fails certificate checks for dotted names,
  // and the bucket policy refuses plain HTTP
  if (name.includes('.') && out.length === 0) out.push("must not contain '.': TLS to a dotted bucket's virtual-hosted address fails, and the bucket only accepts TLS");
  return out;
}
