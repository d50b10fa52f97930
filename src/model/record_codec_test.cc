#include "model/record_codec.h"

#include <gtest/gtest.h>

#include <random>

namespace meridian {
namespace {

std::string RandomText(std::mt19937* rng) {
  static const std::string pieces[] = {"",
                                       "A",
                                       "SMITH",
                                       "O'BRIEN, JR",
                                       "Jos\xC3\xA9",
                                       "\"q\"",
                                       "line\nbreak",
                                       std::string(300, 'x')};
  std::string s = pieces[(*rng)() % 7];
  if ((*rng)() % 5 == 0) s += std::string((*rng)() % 200, 'z');
  return s;
}

Record RandomRecord(std::mt19937* rng) {
  Record r;
  auto text = [&] { return RandomText(rng); };
  r.npi = 1000000000u + (*rng)() % 1000000000u;
  r.entity = static_cast<EntityType>((*rng)() % 3);
  r.last_name = text(), r.first_name = text(), r.org_name = text(), r.credential = text();
  r.other_last_name = text(), r.sex = (*rng)() % 2 ? "F" : "";
  r.enumeration_date = 20050523, r.last_update_date = (*rng)() % 2 ? 20250101 : 0;
  r.mailing.line1 = text(), r.mailing.postal_code = "537031234";
  r.practice.address.city = text();
  r.practice.lat = 43.07f, r.practice.lon = -89.38f;
  r.practice.precision = (*rng)() % 2 ? GeoPrecision::kZipCentroid : GeoPrecision::kNone;
  for (int i = (*rng)() % 4; i > 0; --i) {
    TaxonomySlot t;
    t.slot = static_cast<uint8_t>(i);
    t.code = "171100000X", t.license_number = text(), t.primary_switch = i == 1 ? 'Y' : 'N';
    r.taxonomies.push_back(t);
  }
  for (int i = (*rng)() % 3; i > 0; --i) {
    Location l;
    l.address.line1 = text(), l.address.phone_ext = text();
    l.lat = 1.5f * i, l.lon = -2.5f * i, l.precision = GeoPrecision::kZipCentroid;
    r.secondary.push_back(l);
  }
  for (int i = (*rng)() % 3; i > 0; --i)
    r.other_ids.push_back({static_cast<uint8_t>(i), text(), "05", "WI", text()});
  for (int i = (*rng)() % 2; i > 0; --i) r.other_org_names.push_back({text(), "3"});
  for (int i = (*rng)() % 2; i > 0; --i) {
    Endpoint e;
    e.endpoint = "https://example.org/fhir", e.type = "FHIR", e.affiliation_address.city = text();
    r.endpoints.push_back(e);
  }
  return r;
}

TEST(RecordCodec, RandomRecordsRoundTrip) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    Record r = RandomRecord(&rng);
    std::string bytes;
    EncodeRecord(r, &bytes);
    Record back;
    ASSERT_TRUE(DecodeRecord(bytes, &back).ok());
    ASSERT_TRUE(back == r) << "record " << i;
  }
}

// A distinct value for every field, written out field by field (not through
// the codec's visitors), so a field the codec drops or mixes up shows.
Address FullAddress(const std::string& tag) {
  return {tag + "L1", tag + "L2",    tag + "CITY", tag + "ST", tag + "53703",
          tag + "US", tag + "PHONE", tag + "EXT",  tag + "FAX"};
}

Location FullLocation(const std::string& tag, float lat) {
  Location l;
  l.address = FullAddress(tag);
  l.lat = lat, l.lon = -lat / 2;
  l.precision = GeoPrecision::kZipCentroid;
  return l;
}

Record FullRecord() {
  Record r;
  r.npi = 1234567893;
  r.entity = EntityType::kOrganization;
  r.replacement_npi = "1000000004", r.ein = "EIN";
  r.org_name = "ORG", r.last_name = "LAST", r.first_name = "FIRST", r.middle_name = "MIDDLE";
  r.name_prefix = "DR.", r.name_suffix = "JR.", r.credential = "L.AC.";
  r.other_org_name = "OTHER ORG", r.other_org_name_type = "3";
  r.other_last_name = "OLAST", r.other_first_name = "OFIRST", r.other_middle_name = "OMIDDLE";
  r.other_name_prefix = "MS.", r.other_name_suffix = "III", r.other_credential = "DPT";
  r.other_last_name_type = "1";
  r.sex = "F";
  r.sole_proprietor = "N", r.is_org_subpart = "Y", r.parent_org_lbn = "PARENT";
  r.parent_org_tin = "TIN";
  r.enumeration_date = 20050523, r.last_update_date = 20250101, r.deactivation_date = 20200202;
  r.reactivation_date = 20210303, r.certification_date = 20220404;
  r.deactivation_reason = "DT";
  r.ao_last_name = "AOLAST", r.ao_first_name = "AOFIRST", r.ao_middle_name = "AOMIDDLE";
  r.ao_title = "CEO", r.ao_phone = "6085550100", r.ao_name_prefix = "MR.";
  r.ao_name_suffix = "SR.", r.ao_credential = "MBA";
  r.mailing = FullAddress("M");
  r.practice = FullLocation("P", 43.07f);
  r.secondary = {FullLocation("S1", 40.5f), FullLocation("S2", 30.25f)};
  r.taxonomies = {{1, "171100000X", "LIC1", "WI", 'Y', "GROUP1"},
                  {7, "225100000X", "LIC7", "MN", 'N', "GROUP7"}};
  r.other_ids = {{2, "ID2", "05", "WI", "ISSUER2"}, {50, "ID50", "01", "TX", "ISSUER50"}};
  r.other_org_names = {{"DBA ONE", "3"}, {"DBA TWO", "5"}};
  Endpoint e;
  e.type = "FHIR", e.type_description = "FHIR URL", e.endpoint = "https://example.org/fhir";
  e.affiliation = "Y", e.description = "DESC", e.affiliation_legal_name = "AFFIL";
  e.use_code = "HIE", e.use_description = "USE", e.other_use_description = "OTHERUSE";
  e.content_type = "CT", e.content_description = "CD", e.other_content_description = "OCD";
  e.affiliation_address = FullAddress("E");
  r.endpoints = {e};
  return r;
}

// FullRecord() must be updated when Record gains a field.
static_assert(sizeof(Record) == 1768 || sizeof(void*) != 8,
              "Record changed: give the new field a value in FullRecord()");

TEST(RecordCodec, EveryFieldRoundTrips) {
  const Record r = FullRecord();
  std::string bytes;
  EncodeRecord(r, &bytes);
  Record back;
  ASSERT_TRUE(DecodeRecord(bytes, &back).ok());
  EXPECT_TRUE(back == r);
  // And the comparison itself sees a change in a single nested field.
  back.endpoints[0].affiliation_address.fax = "OTHER";
  EXPECT_FALSE(back == r);
}

TEST(RecordCodec, CoreThenAttachedIsTheWholeEncoding) {
  std::mt19937 rng(12);
  Record r = RandomRecord(&rng);
  std::string whole, parts;
  EncodeRecord(r, &whole);
  EncodeCore(r, &parts);
  EncodeAttached(r.secondary, r.other_org_names, r.endpoints, &parts);
  EXPECT_EQ(whole, parts);
}

TEST(RecordCodec, EveryTruncationIsRejected) {
  std::mt19937 rng(13);
  Record r = RandomRecord(&rng);
  std::string bytes;
  EncodeRecord(r, &bytes);
  Record back;
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(DecodeRecord(std::string_view(bytes).substr(0, n), &back).ok()) << n;
  EXPECT_FALSE(DecodeRecord(bytes + "x", &back).ok());
}

TEST(RecordCodec, OutOfRangeEnumIsRejected) {
  Record r;
  r.npi = 1679576722;
  r.entity = EntityType::kOrganization;
  std::string bytes;
  EncodeRecord(r, &bytes);
  // The entity byte follows the NPI's varint.
  std::string npi_varint;
  for (uint64_t x = r.npi;; x >>= 7) {
    npi_varint.push_back(static_cast<char>((x & 0x7F) | (x >= 0x80 ? 0x80 : 0)));
    if (x < 0x80) break;
  }
  size_t at = bytes.find(npi_varint + '\x02');
  ASSERT_NE(at, std::string::npos);
  bytes[at + npi_varint.size()] = 7;
  Record back;
  EXPECT_EQ(DecodeRecord(bytes, &back).code(), StatusCode::kCorruption);
}

TEST(RecordCodec, EmptyStringsCostOneBitAndEncodingIsCanonical) {
  Record empty;
  empty.npi = 1679576722;
  std::string a;
  EncodeRecord(empty, &a);
  EXPECT_LT(a.size(), 48u);  // ~90 empty strings fit in a 12-byte bitmap
  Record one = empty;
  one.last_name = "SMITH";
  std::string b;
  EncodeRecord(one, &b);
  EXPECT_EQ(b.size(), a.size() + 6);  // length byte + 5 letters
  // A present string of length 0 is not the canonical form: rejected.
  Record back;
  std::string bad = b;
  size_t at = bad.find("\x05SMITH");
  ASSERT_NE(at, std::string::npos);
  bad.replace(at, 6, std::string(1, '\0'));
  EXPECT_FALSE(DecodeRecord(bad, &back).ok());
}

}  // namespace
}  // namespace meridian
