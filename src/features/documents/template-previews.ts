import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../http/errors.js';
import type { PdfRenderer } from '../../infra/pdf/pdf-renderer.js';
import { packageRoot } from '../../paths.js';
import { isTemplateName, templateCatalogue } from '../../templates/catalogue.js';

/** Preview width in pixels: sharp on a listing, light to send. */
const PREVIEW_WIDTH_PX = 600;

export interface TemplatePreview {
  bytes: Uint8Array;
  etag: string;
}

/**
 * The template list and each template's preview, rendered once per process from the sample CV on
 * first request and kept: the templates do not change while the process runs.
 */
export class TemplatePreviews {
  private readonly rendered = new Map<string, Promise<TemplatePreview>>();
  private sample?: unknown;

  constructor(private readonly renderer: PdfRenderer) {}

  catalogue(baseUrl: string) {
    return templateCatalogue.map((template) => ({ ...template, preview_url: `${baseUrl}/cv/templates/${template.name}/preview.png` }));
  }

  png(name: string): Promise<TemplatePreview> {
    if (!isTemplateName(name)) throw new AppError('not_found', `No template named "${name}".`);
    let preview = this.rendered.get(name);
    if (!preview) {
      preview = this.render(name);
      // A failed render is not kept: the next request tries again.
      preview.catch(() => this.rendered.delete(name));
      this.rendered.set(name, preview);
    }
    return preview;
  }

  private async render(name: string): Promise<TemplatePreview> {
    this.sample ??= JSON.parse(readFileSync(join(packageRoot, 'src', 'templates', 'sample.resume.json'), 'utf8')) as unknown;
    const { png: bytes } = await this.renderer.renderPreview({ template: name, data: this.sample }, { widthPx: PREVIEW_WIDTH_PX });
    return { bytes, etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"` };
  }
}
