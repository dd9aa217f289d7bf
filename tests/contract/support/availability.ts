// Whether the contract suite runs, skips or fails: the one rule, kept apart from what it guards (no file reads, no
// side effects) so that tests/unit/contract-availability.test.ts can check it.

export type ContractSuitePlan =
  /** SEQR's WSDL is there: every contract test runs. */
  | { action: "run" }
  /** A developer's machine without ../shared/seqr: the suite skips, and says so. */
  | { action: "skip"; note: string }
  /** CI without ../shared/seqr: a green run would claim a contract nobody checked, so the suite fails. */
  | { action: "fail"; message: string };

/** CI is any value of the CI variable but empty, "0" and "false" (.ci/run sets it to "true"). */
export function isCi(ciVariable: string | undefined): boolean {
  const value = ciVariable?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

export function planContractSuite(input: { wsdlFound: boolean; wsdlPath: string; relativePath: string; ci: string | undefined }): ContractSuitePlan {
  if (input.wsdlFound) return { action: "run" };
  if (isCi(input.ci)) {
    return {
      action: "fail",
      message:
        `SEQR contract suite: ${input.relativePath} not found (at ${input.wsdlPath}). Under CI the suite must run, not skip: ` +
        "check out the shared folder (with seqr/ERSWSExternalClientService.wsdl) beside this repository.",
    };
  }
  return { action: "skip", note: `skipped: ${input.relativePath} not found` };
}
