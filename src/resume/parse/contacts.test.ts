import { describe, expect, it } from 'vitest';
import { findContacts, findPhone } from './contacts.js';

describe('findPhone', () => {
  it.each([
    ['Phone: (555) 123-4567 | Email: john@example.com', '(555) 123-4567'],
    ['tel:(+82) 10-9030-1843', '(+82) 10-9030-1843'],
    ['Mobile: +1-123-456-7890', '+1-123-456-7890'],
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['Tel.: 030 1234567', '030 1234567'],
    ['Телефон: +7 (916) 123-45-67', '+7 (916) 123-45-67'],
    ['电话：+86 138 0013 8000', '+86 138 0013 8000'],
    ['0049 170 1234567', '0049 170 1234567'],
    ['تلفن: ۰۹۱۲ ۱۲۳ ۴۵۶۷', '۰۹۱۲ ۱۲۳ ۴۵۶۷'],
  ])('finds the number in "%s"', (line, phone) => {
    expect(findPhone(line)).toBe(phone);
  });

  it('does not take date ranges or figures for phone numbers', () => {
    expect(findPhone('2012 – 2017')).toBeUndefined();
    expect(findPhone('2019-2021')).toBeUndefined();
    expect(findPhone('01/2020 - 03/2021')).toBeUndefined();
    expect(findPhone('Served 1000000 requests')).toBeUndefined();
    expect(findPhone('Call me: 2020.01 - 2021.03', false)).toBeUndefined();
  });
});

describe('findContacts', () => {
  it('finds e-mail, site and profiles, keeping each as written', () => {
    const found = findContacts([
      'mailto:posquit0.bj@gmail.com | homepage: www.posquit0.com |',
      'GitHub: @posquit0 | LinkedIn: /in/posquit0',
      'https://orcid.org/0000-0000-0000-0000',
    ]);
    expect(found.email).toBe('posquit0.bj@gmail.com');
    expect(found.url).toBe('www.posquit0.com');
    expect(found.profiles).toEqual([
      { network: 'GitHub', username: 'posquit0' },
      { network: 'LinkedIn', username: 'posquit0' },
      { network: 'ORCID', url: 'https://orcid.org/0000-0000-0000-0000', username: '0000-0000-0000-0000' },
    ]);
  });

  it('reads a bare personal domain and a profile URL without a scheme', () => {
    const found = findContacts(['sourabhbajaj.com', 'linkedin.com/in/john-doe · github.com/jdoe']);
    expect(found.url).toBe('sourabhbajaj.com');
    expect(found.profiles).toEqual([
      { network: 'LinkedIn', url: 'linkedin.com/in/john-doe', username: 'john-doe' },
      { network: 'GitHub', url: 'github.com/jdoe', username: 'jdoe' },
    ]);
  });

  it('does not take an e-mail domain for a web site', () => {
    expect(findContacts(['jane@example.com']).url).toBeUndefined();
  });
});
