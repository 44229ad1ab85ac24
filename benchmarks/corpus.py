"""A deterministic synthetic archive in the feed crawler's format, for the benchmark.

Every file looks like the crawler's Sina posts: a blank first line, the same seven front-matter keys,
an RFC 1123 date, and a raw-HTML body with U+3000 indents, <font cms-style>, img_wrapper figures, a
来源 line and the crawler's boilerplate (comments, the QR promo with its <style>, 责任编辑). The same
(count, seed) always writes the same bytes. Files are .md so other generators can read them too.

Some articles cite documents as the real corpus does (`../shared/corpus/real/`: 251 of 2,933
articles cite, 409 mentions of 294 documents, 69 cited by two or more, the most 11 times): about one
in twelve articles, one to three documents each, drawn from a Zipf-Mandelbrot law over an endless
list of titles (a few documents cited by hundreds at 100,000 articles, most once, and more distinct
ones the larger the archive), some as document numbers (国办发〔2018〕128号); one in five names a
newspaper, programme or book in 《》, which is no document. These draws come from a second random
stream, so an article without them is byte-identical to what earlier versions wrote.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

CATEGORY_PATHS = [
    ("金融", "新浪财经", "新浪财经－国內"),
    ("金融", "新浪财经", "新浪财经－宏观"),
    ("金融", "新浪财经", "新浪财经－产经"),
    ("金融", "证券时报", "要闻"),
    ("政策", "国务院", "政策解读"),
    ("政策", "国务院", "常务会议"),
    ("政策", "工业和信息化部", "工作动态"),
    ("政策", "国家发展改革委", "新闻发布"),
    ("政策", "财政部", "财政新闻"),
    ("政策", "中国人民银行", "货币政策"),
    ("经济", "经济日报", "要闻"),
    ("经济", "中国经济网", "产业"),
    ("科技", "人民邮电报", "通信"),
]
BODIES = [
    "工业和信息化部",
    "国家发展改革委",
    "财政部",
    "商务部",
    "中国人民银行",
    "国家统计局",
    "国务院办公厅",
]
TOPICS = [
    "稳增长",
    "专精特新",
    "数字经济",
    "减税降费",
    "扩大内需",
    "绿色低碳转型",
    "乡村振兴",
    "工业互联网",
    "科技创新",
    "普惠金融",
    "营商环境",
    "能源保供",
    "外贸保稳提质",
]
CORPUS_VERSION = "2"  # bump when the files written change, so the bench writes its sites again
VERBS = ["部署", "推进", "研究", "落实", "加快", "强化", "优化", "统筹"]
CLAUSES = [
    "会议强调，要坚持稳字当头、稳中求进，{t}工作取得新的进展",
    "{b}有关负责人表示，将进一步{v}{t}相关政策，确保各项措施落地见效",
    "数据显示，前三季度{t}相关指标同比增长{n}%，总体保持平稳",
    "要加强部门协同，{v}政策衔接，推动{t}与产业升级深度融合",
    "下一步，{b}将围绕{t}出台{n}项具体措施，支持中小企业发展",
    "与会同志结合工作实际逐一交流学习体会，一致表示要把思想和行动统一到决策部署上来",
    "专家认为，{t}是推动高质量发展的重要抓手，需要久久为功",
    "各地区各部门要压实责任，{v}{t}工作机制，及时解决企业反映的困难和问题",
]
BOILERPLATE = """<!-- news_keyword_pub,stock, -->

<!-- 正文下iframe -->

<!-- 文末二维码 start -->
            <style>
            .appendQr_wrap&#123;border:1px solid #E6E6E6;padding:8px;&#125;
            .appendQr_normal&#123;float:left;&#125;
            </style>
            <div class="clearfix appendQr_wrap">
                <div class="appendQr_normal"><img src="https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png" referrerpolicy="no-referrer"></div>
                <div class="appendQr_normal_txt">海量资讯、精准解读，尽在新浪财经APP</div>
            </div>
            <!-- 文末二维码 start -->

<!-- 编辑姓名及工作代码 -->

<p class="article-editor">责任编辑：{editor} </p>
<!-- 编辑姓名及工作代码-->

  
</div>
            """


# Documents by popularity rank: the first few are real, the rest made from rank (documents.KINDS).
FAMOUS = [
    "优化营商环境条例",
    "“十四五”数字经济发展规划",
    "中华人民共和国中小企业促进法",
    "关于促进中小企业健康发展的指导意见",
    "湿地公约",
]
DOCUMENT_KINDS = [
    "指导意见",
    "通知",
    "管理办法",
    "实施方案",
    "行动计划",
    "若干规定",
    "条例",
    "规划",
]
NUMBER_ISSUERS = ["国办发", "国发", "财税", "工信部联", "发改产业", "银发"]
CITING = [
    "根据{d}，{b}将{v}{t}相关工作",
    "{b}近日印发{d}，明确了{t}的重点任务",
    "{d}提出，要{v}{t}，确保政策落地见效",
    "按照{d}要求，各地区各部门要{v}{t}",
]
NOT_DOCUMENTS = ["人民日报", "新闻联播", "经济日报", "求是", "财新周刊", "孙子兵法", "焦点访谈"]
CITE_SHARE, NAMED_SHARE = 0.086, 0.2  # articles citing documents; naming a non-document in 《》
ZIPF_ALPHA, ZIPF_SHIFT = 0.3, 20  # P(rank >= k) = (q / (k - 1 + q)) ** alpha


def document(rank: int) -> str:
    """The rank-th most cited document as an article writes it: in 《》, or as a number."""
    if rank <= len(FAMOUS):
        return f"《{FAMOUS[rank - 1]}》"
    if rank % 50 == 7 and rank < 50 * 9999:
        issuer = NUMBER_ISSUERS[rank % len(NUMBER_ISSUERS)]
        return f"{issuer}〔{2015 + rank % 9}〕{rank // 50}号"
    body, rest = BODIES[rank % len(BODIES)], rank // len(BODIES)
    topic, rest = TOPICS[rest % len(TOPICS)], rest // len(TOPICS)
    kind, rest = DOCUMENT_KINDS[rest % len(DOCUMENT_KINDS)], rest // len(DOCUMENT_KINDS)
    verb, rest = VERBS[rest % len(VERBS)], rest // len(VERBS)
    batch = f"（第{rest}批）" if rest else ""  # a trailer: documents.is_document ignores it
    return f"《{body}关于{verb}{topic}的{kind}{batch}》"


def citations(seed: int, n: int) -> list[str]:
    """Paragraphs of the n-th article that cite documents or name a paper in 《》 (often none),
    from a random stream of their own, so the rest of the article is as before."""
    rng = random.Random(f"citations-{seed}-{n}")
    texts = []
    if rng.random() < CITE_SHARE:
        for _ in range(rng.choice((1, 1, 1, 1, 1, 2, 2, 2, 2, 3))):
            rank = int(ZIPF_SHIFT * ((1.0 - rng.random()) ** (-1 / ZIPF_ALPHA) - 1)) + 1
            texts.append(
                rng.choice(CITING).format(
                    d=document(rank),
                    b=rng.choice(BODIES),
                    v=rng.choice(VERBS),
                    t=rng.choice(TOPICS),
                )
            )
    if rng.random() < NAMED_SHARE:
        texts.append(f"《{rng.choice(NOT_DOCUMENTS)}》对此作了报道")
    return [f'<p cms-style="font-L">　　{text}。</p>' for text in texts]


def sentence(rng: random.Random) -> str:
    return rng.choice(CLAUSES).format(
        t=rng.choice(TOPICS), b=rng.choice(BODIES), v=rng.choice(VERBS), n=rng.randint(2, 30)
    )


def article(rng: random.Random, n: int, start: datetime, seed: int = 1) -> tuple[str, str]:
    """(file name, file text) of the n-th article."""
    body_of, topic = rng.choice(BODIES), rng.choice(TOPICS)
    title = f"{body_of}：{rng.choice(VERBS)}{topic}，{sentence(rng)[:12]}"
    path = rng.choice(CATEGORY_PATHS)
    date = start + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
    images = [
        f"https://n.sinaimg.cn/finance/crawl/{n % 97}/w550h{rng.randint(200, 400)}/{n:06d}-{k}.jpg"
        for k in range(rng.choice([0, 0, 1, 1, 2]))
    ]
    paragraphs = []
    if rng.random() < 0.3:
        paragraphs.append(f"<p>　　原标题：{body_of}召开会议研究{topic}工作</p>")
    for k in range(rng.randint(3, 9)):
        text = "。".join(sentence(rng) for _ in range(rng.randint(2, 5))) + "。"
        if k == 1 and rng.random() < 0.5:
            text = f'<font cms-style="strong-Bold">{text[:20]}</font>{text[20:]}'
        paragraphs.append(f'<p cms-style="font-L">　　{text}</p>')
        if k < len(images):
            paragraphs.append(
                f'<div class="img_wrapper"><img src="{images[k]}" alt referrerpolicy="no-referrer">'
                f'<span class="img_descr">{"资料图" if rng.random() < 0.5 else ""}</span></div>'
            )
    paragraphs.extend(citations(seed, n))
    source = rng.choice([f"{body_of}办公厅", f"{body_of}网站", "中国政府网"])
    paragraphs.append(
        f'<p cms-style="font-L">　　<font cms-style="font-L">来源：{source}</font></p>'
    )
    head = images[0] if images else "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png"
    front = (
        f"\n---\ntitle: '{title}'\ncategories: \n"
        + "".join(f" - {name}\n" for name in path)
        + f"headimg: '{head}'\nauthor: {path[1]}\ncomments: false\n"
        + f"date: {date:%a, %d %b %Y %H:%M:%S} GMT\nthumbnail: '{head}'\n---\n\n<div>   \n"
    )
    editor = rng.choice(["李墨轩", "王婷", "张倩", "陈俊岭", "郭明煜"])
    return f"{n:06d}_{rng.getrandbits(48):012x}.md", front + "\n".join(
        paragraphs
    ) + BOILERPLATE.replace("{editor}", editor)


def write(count: int, folder: Path, seed: int = 1, first: int = 0) -> list[Path]:
    """Write articles first..first+count-1; the same arguments always give the same files."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    written = []
    for n in range(first, first + count):
        name, text = article(random.Random(seed * 1_000_003 + n), n, start, seed)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
