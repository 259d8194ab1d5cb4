/**
 * `.gitignore` of a new repository: the synth output (rebuilt by every synth, compared by the
 * review workflow, never committed), Terraform's working files and the local stacks' state
 * (the Docker stacks keep it in the project root, `terraform.<stack>.tfstate`).
 */
export function gitignoreTemplate(): string {
  return ['node_modules/', 'cdktf.out/', '.terraform/', '.gen/', 'terraform.tfstate*', 'terraform.*.tfstate*', '*.tsbuildinfo', ''].join('\n');
}
