import type { Admin } from 'kafkajs';
import { consumerGroupLag } from './kafka';

/** An admin answering from fixed offsets, and recording that it is never asked two things at once. */
function fakeAdmin(
  ends: Record<string, { partition: number; low: string; high: string }[]>,
  committed: Record<string, { partition: number; offset: string }[]>,
) {
  let busy = false;
  let overlapped = false;
  const answer = async <T>(value: T): Promise<T> => {
    if (busy) overlapped = true;
    busy = true;
    await new Promise((r) => setImmediate(r));
    busy = false;
    return value;
  };
  const admin = {
    fetchOffsets: ({ topics }: { topics: string[] }) => answer(topics.map((topic) => ({ topic, partitions: committed[topic] ?? [] }))),
    fetchTopicOffsets: (topic: string) => answer(ends[topic].map((e) => ({ ...e, offset: e.high }))),
  } as unknown as Admin;
  return { admin, overlapped: () => overlapped };
}

describe(consumerGroupLag.name, () => {
  it('sums end − committed over every partition of every topic', async () => {
    const { admin } = fakeAdmin(
      { a: [{ partition: 0, low: '0', high: '10' }, { partition: 1, low: '0', high: '7' }], b: [{ partition: 0, low: '0', high: '5' }] },
      { a: [{ partition: 0, offset: '10' }, { partition: 1, offset: '3' }], b: [{ partition: 0, offset: '1' }] },
    );
    expect(await consumerGroupLag(admin, 'g', ['a', 'b'])).toBe(0 + 4 + 4);
  });

  it('counts a partition the group never committed from its low watermark, not from 0', async () => {
    const { admin } = fakeAdmin({ a: [{ partition: 0, low: '40', high: '100' }] }, { a: [{ partition: 0, offset: '-1' }] });
    expect(await consumerGroupLag(admin, 'g', ['a'])).toBe(60);
  });

  it('is 0 when everything is committed, and sends one request at a time', async () => {
    const { admin, overlapped } = fakeAdmin(
      { a: [{ partition: 0, low: '0', high: '3' }], b: [{ partition: 0, low: '0', high: '2' }] },
      { a: [{ partition: 0, offset: '3' }], b: [{ partition: 0, offset: '2' }] },
    );
    expect(await consumerGroupLag(admin, 'g', ['a', 'b'])).toBe(0);
    expect(overlapped()).toBe(false);
  });
});
