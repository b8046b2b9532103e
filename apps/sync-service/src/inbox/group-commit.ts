export interface GroupCommitOptions<T> {
  /** Makes one group durable (the inbox: one PostgreSQL transaction). */
  write: (group: T[]) => Promise<void>;
  /** Runs once per group, only after its write succeeded (the inbox: resolve and commit the Kafka offsets). */
  commit: (group: T[]) => Promise<void>;
  /** Size of one member, in the unit of maxGroupSize (messages for the inbox). */
  sizeOf: (member: T) => number;
  /** A group stops growing at this size; one member larger than it still forms a group on its own. */
  maxGroupSize: number;
}

interface Waiting<T> {
  member: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Classic group commit. Members submitted while no group is in flight wait one turn of the event loop (so every
 * batch handed out by the same fetch joins them), then go out together; members submitted while a group is in
 * flight queue up and go out together as soon as it ends. One group is in flight at a time, and members keep
 * their submission order inside a group and across groups.
 *
 * A member's promise settles with its group: it resolves once the group's write and commit both succeeded, and
 * rejects with the error otherwise, for every member of that group. A failed write skips the commit, so the
 * inbox never commits the offsets of anything its transaction did not make durable.
 */
export class GroupCommit<T> {
  private readonly queue: Waiting<T>[] = [];
  private inFlight = false;

  constructor(private readonly options: GroupCommitOptions<T>) {}

  submit(member: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ member, resolve, reject });
      if (this.inFlight) return;
      this.inFlight = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.takeGroup();
      const members = group.map((w) => w.member);
      try {
        await this.options.write(members);
        await this.options.commit(members);
      } catch (error) {
        for (const w of group) w.reject(error);
        continue;
      }
      for (const w of group) w.resolve();
    }
    this.inFlight = false;
  }

  private takeGroup(): Waiting<T>[] {
    let size = this.options.sizeOf(this.queue[0].member);
    let n = 1;
    while (n < this.queue.length) {
      const next = this.options.sizeOf(this.queue[n].member);
      if (size + next > this.options.maxGroupSize) break;
      size += next;
      n++;
    }
    return this.queue.splice(0, n);
  }
}
