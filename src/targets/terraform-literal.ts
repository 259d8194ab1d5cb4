/**
 * Terraform reads every string of a `.tf.json` file as a template: `${…}` is an interpolation,
 * `%{…}` a directive, and `$${` / `%%{` are their escapes. Nothing else is processed (backslash
 * sequences are JSON's business and are already decoded), so escaping the two openers makes any
 * string a literal Terraform passes through byte for byte.
 *
 * Not `Fn.rawString`: it JSON-escapes its input for HCL, and in `.tf.json` those escapes stay in
 * the value, so every newline reaches AWS as a backslash and an `n` (checked with `terraform`
 * in test/targets/terraform-literal.test.ts).
 */
export function terraformLiteral(s: string): string {
  // replacer functions: in a replacement string `$$` would itself mean one `$`
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
