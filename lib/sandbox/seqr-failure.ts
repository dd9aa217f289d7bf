import { resultCodeName } from "../seqr/result-codes.ts";

/** A business answer other than SUCCESS: the SOAP endpoint turns it into `return.resultCode`, never a fault. */
export class SeqrFailure extends Error {
  override readonly name = "SeqrFailure";

  constructor(
    readonly resultCode: number,
    /** For the sandbox's log and control page; SEQR's answer carries only the code's name. */
    readonly reason?: string,
  ) {
    super(`${resultCode} ${resultCodeName(resultCode)}${reason ? `: ${reason}` : ""}`);
  }
}
