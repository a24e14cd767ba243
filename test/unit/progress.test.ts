import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/util/progress';

function stream(isTTY: boolean): { out: string[]; stream: NodeJS.WriteStream } {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('progress on stderr', () => {
  it('draws a bar in place on a terminal, with counts or with a share and what is being done', () => {
    const t = stream(true);
    const p = new Progress('load events', t.stream);
    p.percent(50, 'reading');
    expect(t.out.at(-1)).toBe('\r\x1b[K[load events] ' + '#'.repeat(15) + '.'.repeat(15) + ' 50% reading');
    p.update(3, 3, 'accounts');
    expect(t.out.at(-1)).toContain('##############################' + ' 3/3 accounts');
    p.done('3 accounts');
    expect(t.out.at(-1)).toBe('[load events] 3 accounts\n');
  });
  it('writes no bar when stderr is not a terminal, so logs stay one line per step', () => {
    const t = stream(false);
    const p = new Progress('mart', t.stream);
    p.percent(10);
    p.update(1, 2, 'accounts');
    p.done('finished');
    expect(t.out).toEqual(['[mart] finished\n']);
  });
});
