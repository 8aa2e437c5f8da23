import { prepassHtml, STYLE_ATTRIBUTE } from '../../src-renderer/mail/html-prepass'

describe('the HTML prepass', () => {
  it('drops event handler attributes wherever the tokenizer sees an attribute', () => {
    const cases = [
      '<img src=x onerror="alert(1)">',
      "<img src=x onerror='alert(1)'>",
      '<img src=x onerror=alert(1)>',
      '<svg/onload=alert(1)>',
      '<div\nonclick=x()\t>',
      '<a title=">" onmouseover="x()">t</a>',
      '<body ONLOAD="x()">',
      '<p =onclick=x onfocus=y>',
    ]
    for (const html of cases) expect(prepassHtml(html).html).not.toMatch(/\son[a-z]+=/i)
  })

  it('keeps what only looks like an attribute: text, attribute values, comments, raw text', () => {
    const html = '<p title="onclick=x">onclick=y</p><!-- <b onclick=z> --><textarea><i onclick=w></textarea><title>a onload=b</title>'
    expect(prepassHtml(html).html).toBe('<p title="onclick=x">onclick=y</p><!-- <b onclick=z> --><textarea><i onclick=w></textarea><title>a onload=b</title>')
  })

  it('renames style attributes and takes <style> elements out as text', () => {
    const { html, styleSheets } = prepassHtml('<STYLE type="text/css">p{color:red}</style ><p style="color:blue" STYLE="x">a</p><style/>b{}</style>')
    expect(html).toBe(`<p ${STYLE_ATTRIBUTE}="color:blue">a</p>`)
    expect(styleSheets).toEqual(['p{color:red}', 'b{}'])
  })

  it('re-quotes values so nothing leaks out of an attribute', () => {
    expect(prepassHtml(`<a href='x"onclick="y'>t</a>`).html).toBe('<a href="x&quot;onclick=&quot;y">t</a>')
    expect(prepassHtml('<img src=x/onerror=alert(1)>').html).toBe('<img src="x/onerror=alert(1)">')
  })

  it('drops <base> and <meta>, which even an inert document acts on', () => {
    expect(prepassHtml('<head><base href="https://evil.test/"><meta http-equiv="refresh" content="0;url=x"></head>').html).toBe('<head></head>')
  })

  it('strips attributes from end tags and copies text, doctype and odd "<" alone', () => {
    expect(prepassHtml('<!DOCTYPE html>a < b <3 </p onclick=x>').html).toBe('<!DOCTYPE html>a < b <3 </p>')
  })

  it('ends comments the way the HTML tokenizer does', () => {
    expect(prepassHtml('<!--><img onerror=x>').html).toBe('<!--><img>')
    expect(prepassHtml('<!-- a --!><img onerror=x>').html).toBe('<!-- a --!><img>')
  })
})

describe('attributes the reader reserves', () => {
  it('drops a message’s own data-quire-* attributes, so it cannot forge a checked style or link', () => {
    expect(prepassHtml('<span data-quire-href="javascript:x" data-quire-style="a" style="color:red">t</span>').html).toBe(`<span ${STYLE_ATTRIBUTE}="color:red">t</span>`)
  })
})
