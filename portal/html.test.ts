import { html, SafeHtml } from './html';

test('html escapes every interpolated value, so a name typed by an organisation stays text', () => {
  const name = '"><img src=x onerror=alert(1)>';
  const out = html`<a title="${name}">${name}</a>`.value;
  expect(out).toBe(
    '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>',
  );
  expect(out).not.toContain('<img');
});

test('html keeps nested html as markup, joins lists, and leaves out null, undefined and false', () => {
  const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
  // Prettier would lay this markup out on lines of its own:
  // prettier-ignore
  const list = html`<ul>${items}</ul>`;
  expect(list.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  expect(html`${html`<b>${'&'}</b>`}`).toBeInstanceOf(SafeHtml);
  expect(String(html`<b>${'&'}</b>`)).toBe('<b>&amp;</b>');
});
