/**
 * `.github/workflows/o11y-review.yml` of a new repository: the workflow this repository runs
 * and documents (docs/review.md, "Reviewing changes in pull requests"), byte for byte; a test keeps the
 * two the same. On every pull request it synthesizes the base and the head and keeps one comment
 * with `o11y review` of the two up to date. It calls the `synth` and `o11y` npm scripts and
 * installs with `npm ci`: the package-lock.json must be committed.
 */
export const REVIEW_WORKFLOW_PATH = '.github/workflows/o11y-review.yml';

const REVIEW_WORKFLOW = `# Synthesizes the stacks of the pull request's base and of the pull request (its merge commit),
# compares the two outputs with \`o11y review\` and keeps one comment on the pull request up to
# date with the result. See o11y-stack's docs/review.md, "Reviewing changes in pull requests".
name: o11y review

on:
  pull_request:
    types: [opened, synchronize, reopened]

# the comment is the only write; nothing else of the repository is touched
permissions:
  contents: read
  pull-requests: write

# a newer push makes the running review pointless
concurrency:
  group: o11y-review-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  review:
    name: Review the synthesized stacks
    runs-on: ubuntu-latest
    timeout-minutes: 20
    env:
      CHECKPOINT_DISABLE: "1"
    steps:
      - name: Check out the pull request (merge commit)
        uses: actions/checkout@v4
        with:
          path: head
          persist-credentials: false

      - name: Check out the base
        uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.base.sha }}
          path: base
          persist-credentials: false

      - name: Set up Node.js
        uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
          cache-dependency-path: |
            head/package-lock.json
            base/package-lock.json

      - name: Install (head)
        working-directory: head
        run: npm ci --no-audit --no-fund

      - name: Install (base)
        id: base-install
        continue-on-error: true
        working-directory: base
        # a base from before the lockfile listed every platform's optional packages needs the fallback
        run: npm ci --no-audit --no-fund || npm install --no-audit --no-fund

      # cdktf creates its output folder, not the folder's parents
      - name: Synthesize (head)
        working-directory: head
        run: |
          mkdir -p "$RUNNER_TEMP/synth"
          CDKTF_OUTDIR="$RUNNER_TEMP/synth/head" npm run synth

      # a base that cannot be synthesized (broken, or older than the synth) is said in the comment
      - name: Synthesize (base)
        id: base-synth
        if: steps.base-install.outcome == 'success'
        continue-on-error: true
        working-directory: base
        run: |
          mkdir -p "$RUNNER_TEMP/synth"
          CDKTF_OUTDIR="$RUNNER_TEMP/synth/base" npm run synth

      # the head's o11y reviews both outputs: the base may predate \`o11y review\`
      - name: Review
        working-directory: head
        env:
          BASE_SYNTH_OUTCOME: \${{ steps.base-synth.outcome }}
          BASE_SHA: \${{ github.event.pull_request.base.sha }}
        run: |
          review="$RUNNER_TEMP/o11y-review.md"
          if [ "$BASE_SYNTH_OUTCOME" = "success" ]; then
            npm run --silent o11y -- review "$RUNNER_TEMP/synth/base" "$RUNNER_TEMP/synth/head" > "$review"
          else
            printf '## o11y review\\n\\nThe base (%s) could not be installed or synthesized, so there is nothing to compare with; see the job log.\\n' "$BASE_SHA" > "$review"
          fi
          cat "$review" >> "$GITHUB_STEP_SUMMARY"

      - name: Post or update the review comment
        uses: actions/github-script@v7
        env:
          REVIEW_FILE: \${{ runner.temp }}/o11y-review.md
        with:
          script: |
            const fs = require('fs');
            // one comment per pull request, found again by this marker and edited in place
            const marker = '<!-- o11y-review -->';
            // GitHub refuses comment bodies over 65536 characters: cut at a line, say where the rest is
            const limit = 65000;
            let review = fs.readFileSync(process.env.REVIEW_FILE, 'utf8');
            if (review.length > limit) {
              review = review.slice(0, review.lastIndexOf('\\n', limit)) + '\\n\\n… cut here: the whole review is in the summary of this workflow run.\\n';
            }
            const body = \`\${marker}\\n\${review}\`;
            const { owner, repo } = context.repo;
            const issue_number = context.payload.pull_request.number;
            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
            const previous = comments.find((c) => c.user && c.user.type === 'Bot' && typeof c.body === 'string' && c.body.startsWith(marker));
            try {
              if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
              else await github.rest.issues.createComment({ owner, repo, issue_number, body });
            } catch (e) {
              // a pull request from a fork gets a read-only token: the review stays in the run's summary
              core.warning(\`could not post the review comment (\${e.message}); it is in the summary of this run\`);
            }
`;

export function reviewWorkflowTemplate(): string {
  return REVIEW_WORKFLOW;
}
