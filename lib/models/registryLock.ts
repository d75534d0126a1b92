/** The registry's lock is the shared lock file (lib/lock.ts); kept here for its importers. */
export { type LockOptions, pidAlive, withLock } from "../lock.js";
