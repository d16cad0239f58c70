import { describe, expect, it } from 'vitest';
import { cleanBullet, prevailingPeriodStyle, withCapital, withPeriodStyle } from './bullet-style.js';

describe('cleanBullet', () => {
  it('strips bullet marks left in the text, but not a minus or a star that belong to it', () => {
    for (const mark of ['•', '-', '*', '▪', '●', '–']) {
      expect(cleanBullet(`${mark} Led the team`)).toEqual({ text: 'Led the team', removedMark: true, collapsedSpaces: false });
    }
    expect(cleanBullet('•Led the team').text).toBe('Led the team');
    expect(cleanBullet('-20% costs in a year').text).toBe('-20% costs in a year');
    expect(cleanBullet('*nix administration').text).toBe('*nix administration');
  });

  it('trims and collapses runs of spaces and line breaks', () => {
    expect(cleanBullet('  Led   the\n team  ')).toEqual({ text: 'Led the team', removedMark: false, collapsedSpaces: true });
    expect(cleanBullet('Led the team')).toEqual({ text: 'Led the team', removedMark: false, collapsedSpaces: false });
  });
});

describe('periods', () => {
  it('follows the majority, and no period on a tie', () => {
    expect(prevailingPeriodStyle(['A.', 'B.', 'C'])).toBe('period');
    expect(prevailingPeriodStyle(['A.', 'B', 'C'])).toBe('none');
    expect(prevailingPeriodStyle(['A.', 'B'])).toBe('none');
    // An ellipsis is not a period.
    expect(prevailingPeriodStyle(['A...', 'B...', 'C'])).toBe('none');
  });

  it('adds or removes the final period, keeping those of abbreviations', () => {
    expect(withPeriodStyle('Led the team', 'period')).toBe('Led the team.');
    expect(withPeriodStyle('Cut costs (by 20%)', 'period')).toBe('Cut costs (by 20%).');
    expect(withPeriodStyle('Led the team.', 'period')).toBe('Led the team.');
    expect(withPeriodStyle('Why not?', 'period')).toBe('Why not?');
    expect(withPeriodStyle('Led the team.', 'none')).toBe('Led the team');
    expect(withPeriodStyle('Consulted for Acme Inc.', 'none')).toBe('Consulted for Acme Inc.');
    expect(withPeriodStyle('Expanded sales in the U.S.', 'none')).toBe('Expanded sales in the U.S.');
    expect(withPeriodStyle('Led the team;', 'none')).toBe('Led the team');
    expect(withPeriodStyle('Led the team;', 'period')).toBe('Led the team.');
  });
});

describe('withCapital', () => {
  it('capitalises a plain first word and leaves names written in their own case', () => {
    expect(withCapital('led the team')).toBe('Led the team');
    expect(withCapital('iOS app with 1M users')).toBe('iOS app with 1M users');
    expect(withCapital('eBay integration')).toBe('eBay integration');
    expect(withCapital('npm@9 migration')).toBe('npm@9 migration');
    expect(withCapital('über-fast builds')).toBe('über-fast builds');
  });
});
