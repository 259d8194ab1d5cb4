/** A user's input that verify cannot use (a stack that was not synthesized, a broken manifest). */
export class VerifyInputError extends Error {}
