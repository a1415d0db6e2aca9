/**
 * The one HTML layout of every mail: Skolon's name, a heading, what happened and what to do next,
 * the buttons, the facts, and a footer that says why the reader got the mail and how to reach
 * support. MJML makes it responsive and lets it survive Outlook and webmail.
 *
 * MJML escapes nothing, and compiling costs milliseconds, so values never go through it: the MJML
 * is compiled once per shape (which buttons, whether a list follows) with a placeholder for each
 * value, and each mail fills the compiled HTML with its values, escaped here.
 */
import mjml2html from 'mjml';
import { escapeHtml } from '../../domain/text';

/** A button's colour: the brand's for the usual call to action; green and red for a YES and a NO. */
export type ButtonTone = 'primary' | 'secondary' | 'yes' | 'no';

export interface MailButton {
  label: string;
  href: string;
  tone: ButtonTone;
}

/** Everything a mail shows, as plain text (escaping is the layout's job). */
export interface MailLayout {
  /** The `lang` attribute of the page. */
  lang: string;
  subject: string;
  /** Shown after the subject in the inbox list, hidden in the mail itself. */
  preheader: string;
  heading: string;
  paragraphs: string[];
  /** What the reader must do now, in bold. */
  next: string;
  /** Side by side on a wide screen, one under the other on a phone; none at all is fine. */
  buttons: MailButton[];
  facts: Array<[label: string, value: string]>;
  list: { title: string; items: string[] } | null;
  /** Lines (greeting and signature). */
  signature: string;
  footer: { why: string; questions: string; supportEmail: string };
}

/** The portal's palette (portal/static/portal.css), so mail and portal look like one product. */
const COLOURS = {
  brand: '#0b5cad',
  ink: '#1d2733',
  muted: '#55606e',
  line: '#d5dbe3',
  background: '#f4f6f9',
  card: '#ffffff',
  yes: '#16703a',
  no: '#a4262c',
};

const BUTTON_COLOURS: Record<ButtonTone, { background: string; text: string; border: string }> = {
  primary: { background: COLOURS.brand, text: '#ffffff', border: COLOURS.brand },
  secondary: { background: COLOURS.card, text: COLOURS.brand, border: COLOURS.brand },
  yes: { background: COLOURS.yes, text: '#ffffff', border: COLOURS.yes },
  no: { background: COLOURS.no, text: '#ffffff', border: COLOURS.no },
};

const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** What decides the compiled HTML; everything else is a value filled in afterwards. */
interface Shape {
  buttons: ButtonTone[];
  list: boolean;
}

/** A value's place in the compiled HTML. Letters, digits and @ only: MJML leaves them as they are. */
const slot = (name: string) => `@@${name}@@`;
const SLOT = /@@([a-z0-9]+)@@/g;

function mjmlSource(shape: Shape): string {
  // Each button keeps 4 px to either side, so buttons side by side on a desktop never touch.
  const buttons = shape.buttons.map((tone, i) => {
    const c = BUTTON_COLOURS[tone];
    return `<mj-column padding="0 0 12px"><mj-button href="${slot(`href${i}`)}" background-color="${c.background}"
      color="${c.text}" border="2px solid ${c.border}" align="left" width="100%" padding="0 4px">${slot(`label${i}`)}</mj-button></mj-column>`;
  });
  return `<mjml lang="${slot('lang')}">
  <mj-head>
    <mj-title>${slot('subject')}</mj-title>
    <mj-preview>${slot('preheader')}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT}" />
      <mj-text font-size="16px" line-height="1.5" color="${COLOURS.ink}" padding="0 0 16px" />
      <mj-button font-size="16px" font-weight="600" inner-padding="12px 20px" border-radius="6px" padding="0" />
      <mj-table font-size="15px" line-height="1.4" color="${COLOURS.ink}" padding="0 0 16px" />
    </mj-attributes>
    <mj-style>
      .text div { overflow-wrap: break-word; }
      .footer a { color: ${COLOURS.muted}; }
    </mj-style>
  </mj-head>
  <mj-body background-color="${COLOURS.background}" width="600px">
    <mj-section padding="24px 24px 12px">
      <mj-column>
        <mj-text font-size="24px" font-weight="700" color="${COLOURS.brand}" padding="0">Skolon</mj-text>
      </mj-column>
    </mj-section>
    <mj-wrapper background-color="${COLOURS.card}" border="1px solid ${COLOURS.line}" border-radius="8px" padding="24px 24px 8px">
      <mj-section padding="0">
        <mj-column>
          <mj-text css-class="text" font-size="20px" font-weight="700" line-height="1.3">${slot('heading')}</mj-text>
          <mj-text css-class="text">${slot('body')}</mj-text>
        </mj-column>
      </mj-section>
      ${buttons.length > 0 ? `<mj-section padding="0 0 8px">${buttons.join('\n')}</mj-section>` : ''}
      <mj-section padding="0">
        <mj-column>
          <mj-divider border-width="1px" border-color="${COLOURS.line}" padding="0 0 16px" />
          <mj-table>${slot('facts')}</mj-table>
          ${shape.list ? `<mj-text css-class="text">${slot('list')}</mj-text>` : ''}
          <mj-text css-class="text">${slot('signature')}</mj-text>
        </mj-column>
      </mj-section>
    </mj-wrapper>
    <mj-section padding="16px 24px 32px">
      <mj-column>
        <mj-text css-class="text footer" font-size="13px" color="${COLOURS.muted}" padding="0">${slot('footer')}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

/** The compiled HTML of each shape met so far (a handful: the button sets times list or none). */
const compiled = new Map<string, Promise<string>>();

async function compile(shape: Shape): Promise<string> {
  // No file includes and no web fonts: a mail loads nothing from anywhere.
  const { html } = await mjml2html(mjmlSource(shape), { validationLevel: 'strict', fonts: {}, keepComments: false });
  return html;
}

function compiledHtml(shape: Shape): Promise<string> {
  const key = JSON.stringify(shape);
  let html = compiled.get(key);
  if (!html) {
    html = compile(shape);
    // A failed compile is not kept: the next mail tries again (and the activity's retry reports it).
    html.catch(() => compiled.delete(key));
    compiled.set(key, html);
  }
  return html;
}

const paragraph = (text: string, style = '') =>
  `<p style="margin:0 0 12px;${style}">${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;

/** Every value of a mail, escaped, by the name of its slot. */
function slotValues(layout: MailLayout): Record<string, string> {
  const values: Record<string, string> = {
    lang: escapeHtml(layout.lang),
    subject: escapeHtml(layout.subject),
    preheader: escapeHtml(layout.preheader),
    heading: escapeHtml(layout.heading),
    body: [
      ...layout.paragraphs.map((p) => paragraph(p)),
      paragraph(layout.next, 'margin-bottom:0;font-weight:700'),
    ].join(''),
    facts: layout.facts
      .map(
        ([label, value]) =>
          // The labels are our words and keep whole; a value (a name without spaces) breaks anywhere.
          `<tr><th align="left" valign="top" style="padding:4px 12px 4px 0;width:40%;font-weight:600;word-break:normal">${escapeHtml(label)}</th>` +
          `<td valign="top" style="padding:4px 0;word-break:break-word">${escapeHtml(value)}</td></tr>`,
      )
      .join(''),
    signature: paragraph(layout.signature, 'margin:0'),
    footer:
      paragraph(layout.footer.why) +
      `<p style="margin:0">${escapeHtml(layout.footer.questions)} ` +
      `<a href="mailto:${escapeHtml(layout.footer.supportEmail)}">${escapeHtml(layout.footer.supportEmail)}</a></p>`,
  };
  if (layout.list)
    values.list =
      paragraph(`${layout.list.title}:`, 'margin-bottom:4px') +
      `<ul style="margin:0;padding-left:20px">${layout.list.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  layout.buttons.forEach((button, i) => {
    values[`href${i}`] = escapeHtml(button.href);
    values[`label${i}`] = escapeHtml(button.label);
  });
  return values;
}

/** The mail's HTML part. */
export async function renderLayout(layout: MailLayout): Promise<string> {
  const html = await compiledHtml({ buttons: layout.buttons.map((b) => b.tone), list: layout.list !== null });
  const values = slotValues(layout);
  return html.replace(SLOT, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the mail layout has no value for ${name}`);
    return value;
  });
}
