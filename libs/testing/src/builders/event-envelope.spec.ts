import { sequentialEventId } from './event-envelope';

describe(sequentialEventId.name, () => {
  it('is UUID-shaped and distinct within one load', () => {
    const ids = Array.from({ length: 50 }, () => sequentialEventId());

    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-0000-4000-8000-\d{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not repeat across loads of the module (spec files sharing one broker and database)', () => {
    const firstOfEachLoad = Array.from({ length: 20 }, () => {
      let id = '';
      jest.isolateModules(() => {
        id = (jest.requireActual('./event-envelope') as typeof import('./event-envelope')).sequentialEventId();
      });
      return id;
    });

    // Each load restarts the counter, so only the per-load prefix keeps these apart.
    expect(new Set(firstOfEachLoad.map((id) => id.slice(-12))).size).toBe(1);
    expect(new Set(firstOfEachLoad).size).toBe(firstOfEachLoad.length);
  });
});
