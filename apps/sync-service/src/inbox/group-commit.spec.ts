import { GroupCommit } from './group-commit';

/** A member as the inbox submits it: one partition's chunk, `size` messages. */
interface Member {
  id: string;
  size: number;
}

/** A write or commit the test settles by hand, so it can look at the queue while a group is in flight. */
interface Pending {
  group: string[];
  settle: (error?: Error) => void;
}

function harness(maxGroupSize = 100) {
  const writes: Pending[] = [];
  const commits: Pending[] = [];
  const events: string[] = [];
  const pending = (log: Pending[], name: string) => (group: Member[]) =>
    new Promise<void>((resolve, reject) => {
      events.push(`${name} ${group.map((m) => m.id).join(',')}`);
      log.push({ group: group.map((m) => m.id), settle: (error) => (error ? reject(error) : resolve()) });
    });
  const sut = new GroupCommit<Member>({ write: pending(writes, 'write'), commit: pending(commits, 'commit'), sizeOf: (m) => m.size, maxGroupSize });
  const outcomes = new Map<string, string>();
  const submit = (id: string, size = 1) => {
    return sut.submit({ id, size }).then(
      () => void outcomes.set(id, 'ok'),
      (error: Error) => void outcomes.set(id, `failed: ${error.message}`),
    );
  };
  return { writes, commits, events, outcomes, submit };
}

/** Lets every ready callback run, including setImmediate ones (the queue's first flush waits one). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe(GroupCommit.name, () => {
  it('gathers members submitted in the same turn into one group, in submission order, written once and committed once', async () => {
    const { writes, commits, events, outcomes, submit } = harness();
    const done = ['p3', 'p1', 'p2'].map((id) => submit(id));
    await settle();
    expect(writes.map((w) => w.group)).toEqual([['p3', 'p1', 'p2']]);
    expect(commits).toEqual([]);
    writes[0].settle();
    await settle();
    expect(commits.map((c) => c.group)).toEqual([['p3', 'p1', 'p2']]);
    expect(outcomes.size).toBe(0); // nobody is released before the commit
    commits[0].settle();
    await Promise.all(done);
    expect(events).toEqual(['write p3,p1,p2', 'commit p3,p1,p2']);
    expect([...outcomes]).toEqual([['p3', 'ok'], ['p1', 'ok'], ['p2', 'ok']]);
  });

  it('queues members that arrive while a group is in flight and flushes them together when it ends, one group at a time', async () => {
    const { writes, commits, events, submit } = harness();
    const first = submit('a1');
    await settle();
    const later = [submit('b1'), submit('c1'), submit('a2')];
    await settle();
    expect(writes.map((w) => w.group)).toEqual([['a1']]); // the next group waits for the one in flight
    writes[0].settle();
    await settle();
    expect(writes).toHaveLength(1); // ... including its commit
    commits[0].settle();
    await first;
    await settle();
    expect(writes.map((w) => w.group)).toEqual([['a1'], ['b1', 'c1', 'a2']]);
    writes[1].settle();
    await settle();
    commits[1].settle();
    await Promise.all(later);
    expect(events).toEqual(['write a1', 'commit a1', 'write b1,c1,a2', 'commit b1,c1,a2']);
  });

  it('stops a group at maxGroupSize, keeping order; a member larger than the limit goes alone', async () => {
    const { writes, commits, submit } = harness(100);
    const done = [submit('a', 60), submit('b', 40), submit('c', 1), submit('huge', 250), submit('d', 10)];
    for (let i = 0; i < 4; i++) {
      await settle();
      writes[i].settle();
      await settle();
      commits[i].settle();
    }
    await Promise.all(done);
    expect(writes.map((w) => w.group)).toEqual([['a', 'b'], ['c'], ['huge'], ['d']]);
  });

  it('fails every member of a group whose write fails, without committing it, and goes on with the next group', async () => {
    const { writes, commits, events, outcomes, submit } = harness();
    const failing = [submit('p1'), submit('p2'), submit('p3')];
    await settle();
    const next = submit('p4'); // arrives while the failing group is in flight
    writes[0].settle(new Error('deadlock detected'));
    await Promise.all(failing);
    expect([...outcomes]).toEqual([['p1', 'failed: deadlock detected'], ['p2', 'failed: deadlock detected'], ['p3', 'failed: deadlock detected']]);
    expect(commits).toEqual([]); // no offset of a group that is not durable is ever committed
    await settle();
    writes[1].settle();
    await settle();
    commits[0].settle();
    await next;
    expect(outcomes.get('p4')).toBe('ok');
    expect(events).toEqual(['write p1,p2,p3', 'write p4', 'commit p4']);
  });

  it('fails every member of a group whose commit fails', async () => {
    const { writes, commits, outcomes, submit } = harness();
    const done = [submit('p1'), submit('p2')];
    await settle();
    writes[0].settle();
    await settle();
    commits[0].settle(new Error('REBALANCE_IN_PROGRESS'));
    await Promise.all(done);
    expect([...outcomes]).toEqual([['p1', 'failed: REBALANCE_IN_PROGRESS'], ['p2', 'failed: REBALANCE_IN_PROGRESS']]);
  });
});
