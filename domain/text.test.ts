import { escapeHtml, singleLine } from './text';

test('escapeHtml turns every character that could open markup or end an attribute into an entity', () => {
  expect(escapeHtml(`<script>alert("x")</script> & 'y' \`z\``)).toBe(
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;',
  );
  expect(escapeHtml('Södra skolan – Åre')).toBe('Södra skolan – Åre');
});

test('singleLine keeps a header on one line whatever a name holds', () => {
  expect(singleLine(' Acme\r\nBcc: x@evil.test\tLtd\u2028 ')).toBe('Acme Bcc: x@evil.test Ltd');
});
