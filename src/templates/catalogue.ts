// The templates a CV can be rendered with; each is `src/templates/<name>.typ` and honours every
// `TemplateOptions` field. Listed here so an API can offer them and validate a choice without reading files.

export type TemplateLayout = 'single-column' | 'two-column';

export interface TemplateDescription {
  name: TemplateName;
  title: string;
  description: string;
  layout: TemplateLayout;
}

export const templateNames = ['classic', 'modern', 'compact'] as const;
/** A template the product offers: a file `src/templates/<name>.typ`. */
export type TemplateName = (typeof templateNames)[number];

export const templateCatalogue: readonly TemplateDescription[] = [
  {
    name: 'classic',
    title: 'Classic',
    description: 'One column: the name centred above ruled section headings. Calm and conventional, read easily by people and ATS software alike.',
    layout: 'single-column',
  },
  {
    name: 'modern',
    title: 'Modern',
    description: 'Two columns: a tinted sidebar with contact details, skills, languages, interests and certificates beside the experience and education.',
    layout: 'two-column',
  },
  {
    name: 'compact',
    title: 'Compact',
    description: 'One dense column with narrow margins, one-line entry headings and skills in two columns, for fitting a CV on one page.',
    layout: 'single-column',
  },
];

/** Whether `name` is one of the catalogue's templates. */
export function isTemplateName(name: string): name is TemplateName {
  return (templateNames as readonly string[]).includes(name);
}
