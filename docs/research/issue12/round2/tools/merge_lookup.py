import csv,glob,collections,re,sys
D='/tmp/issue12/'
dom={r['domain']:r['class'] for r in csv.DictReader(open('/work/main/data/knowledge/source_domains.csv'))}
def cls(u):
    h=re.sub(r'^https?://','',u).split('/')[0].split(':')[0].split('?')[0].lower()
    best=None
    for d,c in dom.items():
        if h==d or h.endswith('.'+d):
            if best is None or len(d)>len(best[0]): best=(d,c)
    return best[1] if best else None
L={(r['usps'],r['profession']):r for r in csv.DictReader(open(D+'lookup_all.csv'))}
for f in sorted(glob.glob(D+'lookup_fix_*.csv')):
    for r in csv.DictReader(open(f)): L[(r['usps'],r['profession'])]=r
out=[]; st=collections.Counter()
for (s,p),r in sorted(L.items()):
    url=r['lookup_url'].strip().rstrip("'.")
    note=r['note'].replace('\n',' ')
    if url and not url.startswith('http'): url=''
    if url and cls(url)!='official':
        note='not on an official domain, so not shown: '+url+'. '+note; url=''; st['dropped']+=1
    src=r['source_url'].strip()
    srcs=[u for u in re.split(r'[|\s]+',src) if u.startswith('http')]
    if not srcs and url: srcs=[url]
    if not srcs: srcs=['https://www.fsbpt.org/'] if p=='physical_therapy' else ['https://www.fclb.org/'] if p=='chiropractic' else ['https://www.fsmtb.org/'] if p=='massage' else ['https://www.nccaom.org/'] if p=='acupuncture' else ['https://www.fsmb.org/']
    conf='confirmed' if (r['evidence']=='official' and url and any(cls(u)=='official' for u in srcs)) else 'unconfirmed'
    if not url and not note: note='no lookup page found'
    board=r['board'].strip()
    if url and not board: board='state board'
    out.append(dict(usps=s,profession=p,board=board,lookup_url=url,sources='|'.join(dict.fromkeys(srcs)),as_of=r['read_on'] or '2026-12-01',confidence=conf,note=('evidence: '+r['evidence']+'. '+note).strip()))
    st[(conf, bool(url))]+=1
w=csv.DictWriter(open(sys.argv[1],'w',newline='',encoding='utf-8'),fieldnames=list(out[0].keys()),lineterminator='\n'); w.writeheader()
for o in out: w.writerow(o)
print(st,file=sys.stderr)
