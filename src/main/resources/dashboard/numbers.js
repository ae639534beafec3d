// satwatch number formatting for people: the rules of dev.satwatch.event.Numbers (the CLI's formatter), mirrored
// so that the dashboard and the terminal print a value the same way. NumbersAgreementTest runs both on one table of
// values; change the two together.
//
//   dash            "—" for a value that is unknown (null, NaN, ±Infinity)
//   tokens(t)       SI suffix, three significant digits, trailing zeros dropped: 36M, 1.2B, 3T, 512K, 999
//   fixed(v, d)     d decimals; never "-0.000"
//   gain(v)         4 decimals, or 3 significant digits in exponent form below 0.001: 0.0123, 1.23e-4
//   interval(lo, hi, d, floor, ceiling)
//                   "[lo, hi]"; a bound beyond floor/ceiling shows as "<floor" / ">ceiling"; both beyond: "unbounded"
//   minus(v, d)     the subtracted term of a formula: "− 0.093", or "+ 0.093" when v is negative (never "− -0.093")
//
// Plain ES2017, no build step: a browser global (window.SatwatchNumbers) and a CommonJS module (for the test).
"use strict";

(function (root) {
  const DASH = "\u2014";
  const MINUS = "\u2212";
  const UNITS = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];

  function known(v) {
    return typeof v === "number" && isFinite(v);
  }

  // Three significant digits, trailing zeros dropped (JavaScript's toPrecision: half-up on the exact value).
  function sig3(v) {
    return String(Number(v.toPrecision(3)));
  }

  // The largest unit in which the value rounds to at least 1 (999.6M rounds to 1.00B, so it is "1B").
  function tokens(t) {
    if (!known(t)) {
      return DASH;
    }
    const sign = t < 0 ? "-" : "";
    const a = Math.abs(t);
    for (const [scale, suffix] of UNITS) {
      if (Number((a / scale).toPrecision(3)) >= 1) {
        return sign + sig3(a / scale) + suffix;
      }
    }
    return Number(a.toPrecision(3)) === 0 ? "0" : sign + sig3(a);
  }

  function unsignedZero(text) {
    return /^-[0.]*$/.test(text) ? text.substring(1) : text;
  }

  function fixed(v, digits) {
    return known(v) ? unsignedZero(v.toFixed(digits)) : DASH;
  }

  function gain(v) {
    if (!known(v)) {
      return DASH;
    }
    if (v === 0 || Math.abs(v) >= 0.001) {
      return unsignedZero(v.toFixed(4));
    }
    return v.toExponential(2).replace("e+", "e");
  }

  function interval(lo, hi, digits, floor, ceiling) {
    if (typeof lo !== "number" || typeof hi !== "number" || isNaN(lo) || isNaN(hi)) {
      return DASH;
    }
    const under = lo < floor;
    const over = hi > ceiling;
    if (under && over) {
      return "unbounded";
    }
    const low = under ? "<" + fixed(floor, digits) : fixed(lo, digits);
    const high = over ? ">" + fixed(ceiling, digits) : fixed(hi, digits);
    return "[" + low + ", " + high + "]";
  }

  function minus(v, digits) {
    if (!known(v)) {
      return MINUS + " " + DASH;
    }
    return (v < 0 ? "+ " : MINUS + " ") + fixed(Math.abs(v), digits);
  }

  const api = { dash: DASH, tokens: tokens, fixed: fixed, gain: gain, interval: interval, minus: minus };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.SatwatchNumbers = api;
  }
})(typeof window === "object" ? window : this);
