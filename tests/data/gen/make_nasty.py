#!/usr/bin/env python3
"""Writes tests/data/nasty_npidata.csv and nasty_eof_quote.csv.

Run from the repository root. The files are committed; this script records
how they were made. Each bad row is described in tests/data/README.md and
checked line by line in src/ingest/ingest_nasty_test.cc.
"""
import csv

header = next(csv.reader(open("data/npidata_pfile_header.csv", newline="")))
col = {name: i for i, name in enumerate(header)}


def luhn_npi(body9):
    digits = "80840" + body9
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body9 + str((10 - total % 10) % 10)


def row(values, count=len(header)):
    fields = [""] * len(header)
    for k, v in values.items():
        fields[col[k]] = v
    fields = fields[:count]
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields)


def person(npi, last="SMITH", first="JANE", **extra):
    v = {
        "NPI": npi, "Entity Type Code": "1", "Provider Last Name (Legal Name)": last,
        "Provider First Name": first, "Provider Credential Text": "L.Ac.",
        "Provider First Line Business Practice Location Address": "1 MAIN ST",
        "Provider Business Practice Location Address City Name": "MADISON",
        "Provider Business Practice Location Address State Name": "WI",
        "Provider Business Practice Location Address Postal Code": "537031234",
        "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
        "Provider Enumeration Date": "01/15/2010", "Last Update Date": "02/01/2024",
        "Provider Sex Code": "F", "Healthcare Provider Taxonomy Code_1": "171100000X",
        "Provider License Number_1": "123-45", "Provider License Number State Code_1": "WI",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
    }
    v.update(extra)
    return v


A = luhn_npi("100000001")
lines = []
# line 1: header with a UTF-8 BOM; the whole file uses CRLF.
lines.append("\ufeff" + ",".join('"' + h + '"' for h in header))
# line 2-3: good row whose fields hold a comma, doubled quotes and a newline.
lines.append(row(person(A, last='O"BRIEN, JR',
    **{"Provider Second Line Business Practice Location Address": "SUITE 5\r\nBACK DOOR",
       "Provider Other Last Name": 'SAYS "HI"'})))
lines.append("")  # line 4: blank
lines.append(row(person(luhn_npi("100000002")), count=len(header) - 1))  # 5: 329 fields
lines.append(row(person(luhn_npi("100000003"), last="M\udce9NDEZ")))      # 6: Latin-1 byte
lines.append(row(person("123456789")))                                   # 7: 9-digit NPI
lines.append(row(person(luhn_npi("100000004")[:9] + "0" if luhn_npi("100000004")[9] != "0" else luhn_npi("100000004")[:9] + "1")))  # 8: bad check digit
lines.append(row(person(luhn_npi("100000005"), **{"Provider Enumeration Date": "13/45/2020"})))  # 9
lines.append(row(person(A, last="DUPLICATE")))                           # 10: duplicate of line 2
lines.append(row(person(luhn_npi("100000006"), **{"Entity Type Code": "3"})))  # 11
good_b = luhn_npi("100000007")
lines.append(row({"NPI": good_b, "NPI Deactivation Date": "03/03/2021"}))  # 12: deactivated, good
# 13: stray text after a closing quote
lines.append('"' + luhn_npi("100000008") + '","1","SM"ITH"' + ',""' * (len(header) - 3))
# 14: an unterminated quote mid-file: the quote opened here closes on line 15,
# followed by text, so the record is rejected and line 15 is read afresh.
lines.append('"' + luhn_npi("100000009") + '","1","NEVER CLOSED')
good_c = luhn_npi("100000010")
lines.append(row({"NPI": good_c, "Entity Type Code": "2",                 # 15: good org
    "Provider Organization Name (Legal Business Name)": "MADISON ACUPUNCTURE, LLC",
    "Provider Business Practice Location Address Postal Code": "53703",
    "Provider Business Practice Location Address State Name": "WI",
    "Provider Enumeration Date": "5/6/2015", "Last Update Date": "05/06/2015",
    "Healthcare Provider Taxonomy Code_1": "171100000X",
    "Healthcare Provider Primary Taxonomy Switch_1": "Y"}))
lines.append("")                                                          # 16: blank
good_d = luhn_npi("100000011")
lines.append(row(person(good_d, **{"Healthcare Provider Taxonomy Code_2": "999Z99999X",  # 17
    "Healthcare Provider Primary Taxonomy Switch_2": "N",
    "Provider Business Practice Location Address Postal Code": "00001"})))
good_e = luhn_npi("100000012")
lines.append(row(person(good_e, **{                                       # 18: foreign
    "Provider Business Practice Location Address Country Code (If outside U.S.)": "CA",
    "Provider Business Practice Location Address Postal Code": "53703"})))
lines.append(row(person(luhn_npi("100000013"), **{"NPI Reactivation Date": "2020-01-01"})))  # 19
good_f = luhn_npi("100000014")
text = "\r\n".join(lines) + "\r\n" + row(person(good_f))  # 20: no final newline
with open("tests/data/nasty_npidata.csv", "w", newline="", encoding="utf-8",
          errors="surrogateescape") as f:
    f.write(text)

eof = ",".join('"' + h + '"' for h in header) + "\n" + row(person(luhn_npi("100000015"))) + \
    "\n" + '"' + luhn_npi("100000016") + '","1","OPEN AT EOF'
with open("tests/data/nasty_eof_quote.csv", "w", newline="") as f:
    f.write(eof)
print("npis", A, good_b, good_c, good_d, good_e, good_f)
