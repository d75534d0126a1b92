/** The registry's lock is the shared lock file (lib/lock.ts); kept here for its importers. */
export { inspectLock, type LockOptions, type LockState, pidAlive, withLock } from "../lock.js";
