import { Type, type Static, type TSchema } from 'typebox';
import { MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN } from '../lib/text-patterns.js';

// The structured CV, in the JSON Resume schema (v1.0.0, jsonresume.org/schema): the improver, the
// analysis and the renderer all read this one shape. Every string and list is bounded, so a document
// stored or imported cannot grow without limit; unknown properties are allowed on the way in (the
// ecosystem adds its own) and dropped before storing. Control characters are refused (line breaks
// only where a paragraph may have them).

const DATE_PATTERN = '^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$';

const Line = (maxLength = 300) => Type.String({ maxLength, pattern: SINGLE_LINE_PATTERN });
const Paragraph = () => Type.String({ maxLength: 5000, pattern: MULTI_LINE_PATTERN });
const IsoDate = () => Type.String({ pattern: DATE_PATTERN, description: 'YYYY, YYYY-MM or YYYY-MM-DD' });
const List = <T extends TSchema>(item: T, maxItems = 100) => Type.Array(item, { maxItems });
const Keywords = () => List(Line(200), 100);

const entry = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Partial(Type.Object(properties, { additionalProperties: true }));

export const ResumeLocation = entry({
  address: Line(500),
  postalCode: Line(50),
  city: Line(),
  countryCode: Line(10),
  region: Line(),
});

export const ResumeProfile = entry({ network: Line(100), username: Line(200), url: Line(500) });

export const ResumeBasics = entry({
  name: Line(),
  label: Line(),
  image: Line(2000),
  email: Line(254),
  phone: Line(100),
  url: Line(500),
  summary: Paragraph(),
  location: ResumeLocation,
  profiles: List(ResumeProfile, 20),
});

export const ResumeWork = entry({
  name: Line(),
  location: Line(),
  description: Paragraph(),
  position: Line(),
  url: Line(500),
  startDate: IsoDate(),
  endDate: IsoDate(),
  summary: Paragraph(),
  highlights: List(Paragraph(), 50),
});

export const ResumeVolunteer = entry({
  organization: Line(),
  position: Line(),
  url: Line(500),
  startDate: IsoDate(),
  endDate: IsoDate(),
  summary: Paragraph(),
  highlights: List(Paragraph(), 50),
});

export const ResumeEducation = entry({
  institution: Line(),
  url: Line(500),
  area: Line(),
  studyType: Line(),
  startDate: IsoDate(),
  endDate: IsoDate(),
  score: Line(100),
  courses: List(Line(), 100),
});

export const ResumeAward = entry({ title: Line(), date: IsoDate(), awarder: Line(), summary: Paragraph() });
export const ResumeCertificate = entry({ name: Line(), date: IsoDate(), url: Line(500), issuer: Line() });
export const ResumePublication = entry({ name: Line(), publisher: Line(), releaseDate: IsoDate(), url: Line(500), summary: Paragraph() });
export const ResumeSkill = entry({ name: Line(), level: Line(100), keywords: Keywords() });
export const ResumeLanguage = entry({ language: Line(100), fluency: Line(100) });
export const ResumeInterest = entry({ name: Line(), keywords: Keywords() });
export const ResumeReference = entry({ name: Line(), reference: Paragraph() });
export const ResumeProject = entry({
  name: Line(),
  description: Paragraph(),
  highlights: List(Paragraph(), 50),
  keywords: Keywords(),
  startDate: IsoDate(),
  endDate: IsoDate(),
  url: Line(500),
  roles: List(Line(), 20),
  entity: Line(),
  type: Line(100),
});

export const JsonResume = Type.Partial(
  Type.Object(
    {
      basics: ResumeBasics,
      work: List(ResumeWork),
      volunteer: List(ResumeVolunteer),
      education: List(ResumeEducation),
      awards: List(ResumeAward),
      certificates: List(ResumeCertificate),
      publications: List(ResumePublication),
      skills: List(ResumeSkill),
      languages: List(ResumeLanguage, 50),
      interests: List(ResumeInterest, 50),
      references: List(ResumeReference, 20),
      projects: List(ResumeProject),
    },
    { additionalProperties: true },
  ),
  { $id: 'JsonResume', description: 'A CV in the JSON Resume schema (v1.0.0)' },
);

export type JsonResume = Static<typeof JsonResume>;
export type ResumeWorkEntry = Static<typeof ResumeWork>;
export type ResumeEducationEntry = Static<typeof ResumeEducation>;
