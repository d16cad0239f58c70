import type { JsonResume } from './json-resume.js';

const join = (...parts: (string | undefined)[]) => parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' · ');
const dates = (start?: string, end?: string) => (start || end ? `${start ?? ''} – ${end ?? 'present'}` : undefined);

/**
 * A structured CV written out as plain text, section by section: the text of a CV that came as JSON
 * (an import) rather than as a file, so that everything that reads a CV's text works on it too.
 */
export function resumeAsText(resume: JsonResume): string {
  const lines: string[] = [];
  const section = (title: string, entries: string[][]) => {
    if (entries.length === 0) return;
    lines.push('', title.toUpperCase());
    for (const entry of entries) lines.push(...entry.filter((line) => line.trim() !== ''));
  };
  const { basics } = resume;
  if (basics) {
    lines.push(...[basics.name, basics.label].filter((line): line is string => Boolean(line)));
    const contact = join(basics.email, basics.phone, basics.url, basics.location?.city, ...(basics.profiles ?? []).map((profile) => profile.url ?? profile.username));
    if (contact) lines.push(contact);
    if (basics.summary) lines.push('', basics.summary);
  }
  section('Experience', (resume.work ?? []).map((work) => [join(work.position, work.name, work.location, dates(work.startDate, work.endDate)), work.summary ?? '', ...(work.highlights ?? []).map((item) => `• ${item}`)]));
  section('Volunteering', (resume.volunteer ?? []).map((item) => [join(item.position, item.organization, dates(item.startDate, item.endDate)), item.summary ?? '', ...(item.highlights ?? []).map((line) => `• ${line}`)]));
  section('Education', (resume.education ?? []).map((item) => [join(item.studyType, item.area, item.institution, dates(item.startDate, item.endDate), item.score), ...(item.courses ?? []).map((course) => `• ${course}`)]));
  section('Skills', (resume.skills ?? []).map((skill) => [join(skill.name, skill.level) + (skill.keywords?.length ? `: ${skill.keywords.join(', ')}` : '')]));
  section('Projects', (resume.projects ?? []).map((project) => [join(project.name, dates(project.startDate, project.endDate)), project.description ?? '', ...(project.highlights ?? []).map((line) => `• ${line}`)]));
  section('Languages', (resume.languages ?? []).map((language) => [join(language.language, language.fluency)]));
  section('Certificates', (resume.certificates ?? []).map((item) => [join(item.name, item.issuer, item.date)]));
  section('Awards', (resume.awards ?? []).map((item) => [join(item.title, item.awarder, item.date), item.summary ?? '']));
  section('Publications', (resume.publications ?? []).map((item) => [join(item.name, item.publisher, item.releaseDate), item.summary ?? '']));
  section('Interests', (resume.interests ?? []).map((item) => [join(item.name) + (item.keywords?.length ? `: ${item.keywords.join(', ')}` : '')]));
  return lines.join('\n').trim();
}
