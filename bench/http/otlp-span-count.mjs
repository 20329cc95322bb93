// Counts the spans in an OTLP/HTTP trace export body, protobuf or JSON, so the report can show
// spans exported per request: proof that 100 % sampling really exported, not just that the
// server was fast. Only the nesting TracesData → ResourceSpans(2) → ScopeSpans(2) → spans is
// walked; nothing is decoded beyond lengths.

const LEN = 2;

/** Calls `visit(field, start, end)` for each length-delimited field in buf[start, end). */
function eachLengthField(buf, start, end, visit) {
  let at = start;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = buf[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (at < end) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === LEN) {
      const length = varint();
      visit(Math.floor(tag / 8), at, at + length);
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

function countProtobuf(buf) {
  let spans = 0;
  eachLengthField(buf, 0, buf.length, (field, s, e) => {
    if (field !== 1) return; // resource_spans
    eachLengthField(buf, s, e, (field2, s2, e2) => {
      if (field2 !== 2) return; // scope_spans
      eachLengthField(buf, s2, e2, (field3) => {
        if (field3 === 2) spans++; // spans
      });
    });
  });
  return spans;
}

function countJson(buf) {
  const body = JSON.parse(buf.toString('utf8'));
  let spans = 0;
  for (const rs of body.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  return spans;
}

/** Number of spans in one export request body. */
export function countSpans(buf, contentType = '') {
  return contentType.includes('json') ? countJson(buf) : countProtobuf(buf);
}
