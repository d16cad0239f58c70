import { describe, expect, it } from 'vitest';
import { findDates, toIsoDate } from './dates.js';

describe('findDates', () => {
  it.each([
    ['Jan 2020 – Present', '2020-01', undefined, true],
    ['January 2020 - Mar 2021', '2020-01', '2021-03', false],
    ['01/2020 – 03/2021', '2020-01', '2021-03', false],
    ['2020-01 – 2021-03', '2020-01', '2021-03', false],
    ['2019–2021', '2019', '2021', false],
    ['2020.01 - 2021.03', '2020-01', '2021-03', false],
    ['Since 2020', '2020', undefined, true],
    ['seit 03/2019', '2019-03', undefined, true],
    ['März 2019 – heute', '2019-03', undefined, true],
    ["sept. 2018 – aujourd'hui", '2018-09', undefined, true],
    ['ene. 2019 – actualidad', '2019-01', undefined, true],
    ['gennaio 2018 - dicembre 2020', '2018-01', '2020-12', false],
    ['ago. 2017 – atual', '2017-08', undefined, true],
    ['2019年3月 - 至今', '2019-03', undefined, true],
    ['янв. 2019 — наст. время', '2019-01', undefined, true],
    ['сентябрь 2015 — декабрь 2018', '2015-09', '2018-12', false],
    ['January 2019 to Present', '2019-01', undefined, true],
    ['Sep. 2023 - Mar. 2024', '2023-09', '2024-03', false],
    ['Aug 2012 – July 2012', '2012-08', '2012-07', false],
    ['2022 -', '2022', undefined, true],
    // Solar Hijri years in Persian digits: the year alone shifts by 621.
    ['۱۳۹۵ - ۱۳۹۸', '2016', '2019', false],
    // Mehr (7th month) 1398 began on 23 September 2019.
    ['مهر ۱۳۹۸ - تاکنون', '2019-10', undefined, true],
    // Arabic-Indic digits, Gregorian years.
    ['٢٠١٥ - ٢٠١٨', '2015', '2018', false],
  ])('reads "%s"', (text, start, end, current) => {
    const found = findDates(text);
    expect(found).toMatchObject({ start, current, range: true });
    expect(found?.end).toBe(end);
  });

  it('finds a range inside a line and says where it is', () => {
    const line = 'Senior Python Developer, 2021 - Present';
    const found = findDates(line);
    expect(found).toMatchObject({ start: '2021', current: true });
    expect(line.slice(found?.index, (found?.index ?? 0) + (found?.length ?? 0))).toBe('2021 - Present');
  });

  it('reads lone dates: a graduation, a season, a full date', () => {
    expect(findDates('Graduated: May 2015')).toMatchObject({ start: '2015-05', range: false });
    expect(findDates('Summer 2022')).toMatchObject({ start: '2022', range: false });
    expect(findDates('February 10, 2026')).toMatchObject({ start: '2026-02', range: false });
    expect(findDates('15.03.2019')).toMatchObject({ start: '2019-03', range: false });
  });

  it('finds no date in figures, phone numbers and implausible years', () => {
    expect(findDates('Led a team of 5 engineers')).toBeUndefined();
    expect(findDates('Reduced costs by 30%')).toBeUndefined();
    expect(findDates('Room 1234')).toBeUndefined();
    expect(findDates('Served 3000 users')).toBeUndefined();
    expect(toIsoDate('13/2020')).toBeUndefined();
  });
});
