// SPDX-License-Identifier: Apache-2.0
// Retry an async operation with exponential backoff and full jitter.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class RetryError extends Error {
  constructor(attempts, cause) {
    super(`gave up after ${attempts} attempts: ${cause && cause.message}`);
    this.name = 'RetryError';
    this.attempts = attempts;
    this.cause = cause;
  }
}

/**
 * Call `fn(attempt)` until it resolves, waiting between failures.
 * `shouldRetry(err)` may veto a retry for errors that are permanent.
 */
async function retry(fn, {
  attempts = 5,
  baseMs = 100,
  maxMs = 10000,
  shouldRetry = () => true,
  onRetry = () => {},
} = {}) {
  let lastErr;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      lastErr = err;
      if (attempt === attempts || !shouldRetry(err)) break;
      const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      const delay = Math.floor(Math.random() * ceiling);
      onRetry(err, attempt, delay);
      await sleep(delay);
    }
  }
  throw new RetryError(attempts, lastErr);
}

function isTransientHttp(err) {
  const status = err && err.status;
  return status === 429 || status === 502 || status === 503 || status === 504;
}

module.exports = { retry, RetryError, isTransientHttp };
