/**
 * Runs tasks one at a time, in order. Pool applies and deletes each decide from the pools that exist (result,
 * prefix overlaps, draining), write the state directory and change the manager: interleaved, two of them left a
 * stored spec other than the one running, a deleted pool stored, or two pools with overlapping prefixes.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const mine = this.tail.then(task, task);
    this.tail = mine.catch(() => undefined);
    return mine;
  }
}
