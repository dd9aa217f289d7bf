import { describe, expect, test } from "vitest";

import { isCi, planContractSuite } from "@/tests/contract/support/availability";

// The contract suite (tests/contract) judges the shop against SEQR's WSDL in ../shared/seqr. Where that folder is
// missing it may skip on a developer's machine, saying so, but never under CI, where a skip would pass a run that
// checked nothing.

const WHERE = { wsdlPath: "/checkouts/shared/seqr/ERSWSExternalClientService.wsdl", relativePath: "../shared/seqr/ERSWSExternalClientService.wsdl" };

describe("the contract suite", () => {
  test("runs wherever SEQR's WSDL is found, under CI or not", () => {
    expect(planContractSuite({ ...WHERE, wsdlFound: true, ci: undefined })).toEqual({ action: "run" });
    expect(planContractSuite({ ...WHERE, wsdlFound: true, ci: "true" })).toEqual({ action: "run" });
  });

  test("skips locally without the WSDL, with a note naming the missing file", () => {
    expect(planContractSuite({ ...WHERE, wsdlFound: false, ci: undefined })).toEqual({
      action: "skip",
      note: "skipped: ../shared/seqr/ERSWSExternalClientService.wsdl not found",
    });
  });

  test.each(["true", "1", "yes", "TRUE"])("fails under CI (CI=%s) without the WSDL, saying what is missing and where", (ci) => {
    expect(planContractSuite({ ...WHERE, wsdlFound: false, ci })).toEqual({
      action: "fail",
      message:
        "SEQR contract suite: ../shared/seqr/ERSWSExternalClientService.wsdl not found (at /checkouts/shared/seqr/ERSWSExternalClientService.wsdl). " +
        "Under CI the suite must run, not skip: check out the shared folder (with seqr/ERSWSExternalClientService.wsdl) beside this repository.",
    });
  });

  test.each([undefined, "", "0", "false", " False "])("counts CI=%j as not CI", (ci) => {
    expect(isCi(ci)).toBe(false);
    expect(planContractSuite({ ...WHERE, wsdlFound: false, ci }).action).toBe("skip");
  });
});
