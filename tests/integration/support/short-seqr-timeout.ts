// Import right after ./shop-address, before anything reads settings: the shortest SEQR timeout the settings allow
// (1 s), so that a call the sandbox delays past it times out quickly.
process.env.SEQR_REQUEST_TIMEOUT_MS = "1000";
