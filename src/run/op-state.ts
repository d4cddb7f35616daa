// The run's op state: what each op did (and what hooks store under `hooks`), kept in memory and
// exported to CCCI_OP_STATE_FILE for the tier tests and scripts, which read it there. cc-ci never reads
// the file back: the facts the later stages need travel through the run machine (TierOutcome).
import { writeStateFile, type OpState } from '../io/run-state.js';

export class OpStateExport {
  readonly #file: string;
  readonly #state: OpState = {};
  /** The last write: writes take turns, so the file always ends with the latest state. */
  #written: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  /** Merges `values` into `op_state[op]` and writes the file; resolves once this state is on disk. */
  record(op: string, values: Record<string, unknown>): Promise<void> {
    this.#state[op] = { ...(this.#state[op] ?? {}), ...values };
    const snapshot = structuredClone(this.#state);
    const write = this.#written.catch(() => undefined).then(() => writeStateFile(this.#file, snapshot));
    this.#written = write;
    return write;
  }

  /** A copy of the state as recorded so far. */
  read(): OpState {
    return structuredClone(this.#state);
  }
}
