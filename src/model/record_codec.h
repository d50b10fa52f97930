// Compact binary encoding of a Record (the snapshot's "cold" record bytes).
//
// Layout: two parts, core (VisitCore) then attached (VisitAttached). Each part
// starts with a string-presence bitmap (LEB128 count N of the strings the part
// visits, then ceil(N/8) bytes, LSB first), followed by the fields in visit
// order: non-empty strings as a LEB128 length then bytes (empty strings are
// only a 0 bit); integers LEB128 (shortest form); floats 4 little-endian
// bytes; enums one byte; repeated groups a LEB128 count then the items.
// Changing the order or the set of fields requires a new snapshot format
// version (snapshot/format.h, docs/snapshot-format.md).
#pragma once

#include <string>
#include <string_view>

#include "model/record.h"
#include "util/status.h"

namespace meridian {

// Appends the encoding of `r` to `*out`: its core part then its attached part.
void EncodeRecord(const Record& r, std::string* out);

// The two halves of EncodeRecord. The core holds what the main npidata file
// gives; the attached part holds what the pl, othername and endpoint files
// add. Ingest encodes them at different times and concatenates them.
void EncodeCore(const Record& r, std::string* out);
void EncodeAttached(const std::vector<Location>& secondary,
                    const std::vector<OtherOrgName>& other_org_names,
                    const std::vector<Endpoint>& endpoints, std::string* out);

// Decodes exactly one record occupying all of `bytes`. Returns Corruption on
// truncated input, overlong varints or trailing bytes; never reads outside `bytes`.
Status DecodeRecord(std::string_view bytes, Record* r);
// The same for a record stored as its two halves (as snapshots store them).
Status DecodeRecordParts(std::string_view core, std::string_view attached, Record* r);
// The core alone: the attached fields (secondary locations, other
// organization names, endpoints) are left empty.
Status DecodeRecordCore(std::string_view core, Record* r);

// The one definition of field order, shared by the encoder and the decoder.
// R is Record or const Record. V provides Str, Int (uint32), Byte (uint8),
// Char, Float and Enum for single fields, and Group(vector, F) which writes or
// reads the count and calls F(item) per item.
template <class V, class A>
void VisitAddress(V& v, A& a) {
  v.Str(a.line1), v.Str(a.line2), v.Str(a.city), v.Str(a.state), v.Str(a.postal_code);
  v.Str(a.country), v.Str(a.phone), v.Str(a.phone_ext), v.Str(a.fax);
}

template <class V, class L>
void VisitLocation(V& v, L& l) {
  VisitAddress(v, l.address);
  v.Float(l.lat), v.Float(l.lon), v.Enum(l.precision);
}

template <class V, class R>
void VisitCore(V& v, R& r) {
  v.Int(r.npi), v.Enum(r.entity);
  v.Str(r.replacement_npi), v.Str(r.ein);
  v.Str(r.org_name), v.Str(r.last_name), v.Str(r.first_name), v.Str(r.middle_name);
  v.Str(r.name_prefix), v.Str(r.name_suffix), v.Str(r.credential);
  v.Str(r.other_org_name), v.Str(r.other_org_name_type);
  v.Str(r.other_last_name), v.Str(r.other_first_name), v.Str(r.other_middle_name);
  v.Str(r.other_name_prefix), v.Str(r.other_name_suffix), v.Str(r.other_credential);
  v.Str(r.other_last_name_type);
  v.Str(r.sex), v.Str(r.sole_proprietor), v.Str(r.is_org_subpart), v.Str(r.parent_org_lbn);
  v.Str(r.parent_org_tin);
  v.Int(r.enumeration_date), v.Int(r.last_update_date), v.Int(r.deactivation_date);
  v.Int(r.reactivation_date), v.Int(r.certification_date);
  v.Str(r.deactivation_reason);
  v.Str(r.ao_last_name), v.Str(r.ao_first_name), v.Str(r.ao_middle_name), v.Str(r.ao_title);
  v.Str(r.ao_phone), v.Str(r.ao_name_prefix), v.Str(r.ao_name_suffix), v.Str(r.ao_credential);
  VisitAddress(v, r.mailing);
  VisitLocation(v, r.practice);
  v.Group(r.taxonomies, [&v](auto& t) {
    v.Byte(t.slot);
    v.Str(t.code), v.Str(t.license_number), v.Str(t.license_state);
    v.Char(t.primary_switch), v.Str(t.group);
  });
  v.Group(r.other_ids, [&v](auto& o) {
    v.Byte(o.slot);
    v.Str(o.identifier), v.Str(o.type_code), v.Str(o.state), v.Str(o.issuer);
  });
}

template <class V, class Locs, class Names, class Endpoints>
void VisitAttached(V& v, Locs& secondary, Names& other_org_names, Endpoints& endpoints) {
  v.Group(secondary, [&v](auto& l) { VisitLocation(v, l); });
  v.Group(other_org_names, [&v](auto& o) { v.Str(o.name), v.Str(o.type_code); });
  v.Group(endpoints, [&v](auto& p) {
    v.Str(p.type), v.Str(p.type_description), v.Str(p.endpoint), v.Str(p.affiliation);
    v.Str(p.description), v.Str(p.affiliation_legal_name), v.Str(p.use_code);
    v.Str(p.use_description), v.Str(p.other_use_description), v.Str(p.content_type);
    v.Str(p.content_description), v.Str(p.other_content_description);
    VisitAddress(v, p.affiliation_address);
  });
}

}  // namespace meridian
