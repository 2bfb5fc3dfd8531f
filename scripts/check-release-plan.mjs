// Reads every pending changeset the way `changeset version` will and fails when one does not parse, or when the
// release it plans would move a 0.x package to 1.0.0. Run by `pnpm lint`.
//
// Why the second check: while the packages are 0.x, a minor release of core is a breaking one, and changesets answers
// a breaking change to a peer dependency with a major bump of every dependent, 0.1.0 to 1.0.0. The packages are one
// fixed group (.changeset/config.json) and the adapters' peer range for core is `>=0.1.0 <1.0.0`, so a release moves
// them together to the same 0.x version. Leaving 0.x is then a decision someone writes down, not an accident.
import getReleasePlan from "@changesets/get-release-plan";

const root = new URL("..", import.meta.url).pathname;

let plan;
try {
  plan = await getReleasePlan(root);
} catch (error) {
  console.error(`check-release-plan: a changeset in .changeset/ does not parse:\n${error.message ?? error}`);
  process.exit(1);
}

const leaving = plan.releases.filter((r) => r.oldVersion?.startsWith("0.") && !r.newVersion?.startsWith("0."));
if (leaving.length > 0) {
  console.error(
    "check-release-plan: the pending changesets would take these packages out of 0.x:\n" +
      leaving.map((r) => `  ${r.name} ${r.oldVersion} -> ${r.newVersion} (${r.type})`).join("\n") +
      "\nIf that is meant, change this check in the same commit; if not, see the comment at the top of this script.",
  );
  process.exit(1);
}
const planned = plan.releases.filter((r) => r.type !== "none");
console.log(
  `check-release-plan: ${plan.changesets.length} changesets parse; next release: ` +
    (planned.length === 0 ? "nothing" : planned.map((r) => `${r.name} ${r.newVersion}`).join(", ")),
);
