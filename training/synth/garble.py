"""OCR-style damage to label text: look-alike characters, dropped and doubled characters, stray spaces.

Recognisers confuse characters that share most strokes (`予`/`子`, `未`/`末`, `己`/`已`), drop
thin ones and split wide ones; the confusion sets below cover the characters of the template's
labels. A labeler that only matches strings degrades quickly under this; one that also reads the
position of a label in its table should not.
"""

from __future__ import annotations

import random

_CONFUSABLE = (
    "予子矛", "公么仑", "开升幵", "申甲由电", "请清情", "数效", "量最星", "结给绪洁", "转传砖", "处外",
    "理埋里", "不木丕", "家冢", "秘泌", "密蜜", "他地也她", "法去", "律津", "危厄", "全金仝", "稳隐",
    "保堡呆", "护沪", "第弟笫", "三二王", "方万力", "益盆盖", "属屈", "于干千", "类粪", "内肉丙", "事争",
    "务各", "信言", "息思", "四匹西", "过讨", "程橙", "性姓", "政故攻", "执热", "案桉按", "卷券眷",
    "查杳香", "询洵", "项顶须顷", "无元天", "提捉堤", "供洪拱", "本木夲", "机肌", "关美", "掌拿撑",
    "相栢湘", "没设汉", "有右布", "现观规", "成戌戊", "要耍", "制刺剃", "作昨怍", "补朴扑", "正止五",
    "后启名", "容客", "仍扔乃", "明朋阴", "确碓", "访坊仿", "举拳誉", "报极服", "诉沂析", "重童垂",
    "复夏", "求来永", "出山击", "版板", "由田甲", "大太犬", "认队", "新亲斯", "已己巳", "获荻", "取耿",
    "其具共", "总忘怂", "计汁针", "下卜", "年午牛", "度席废", "继断维", "续读绩", "办力为", "上土止",
    "自目白", "然燃", "人入八", "商啇滴", "业亚", "企介", "科料斜", "研妍", "构沟钩购", "社杜礼",
    "会合", "组姐阻", "织识积", "维推准", "持特侍", "纠叫收", "审宙", "未末朱", "尚当党", "讼松颂",
    "议仪", "直真值", "接按", "起赴超", "章竟", "范苑", "件伴仲", "许浒", "可叮司", "罚罪罢",
    "强张弧", "费贵", "采釆菜", "目日且", "额颔", "集焦隼", "中申巾", "对寸", "增赠憎", "减域",
    "决快诀", "效郊校", "一-—", "二=", "、,", "（(", "）)", "．.", "1l", "0O",
)
CONFUSIONS: dict[str, str] = {}
for group in _CONFUSABLE:
    for ch in group:
        CONFUSIONS[ch] = CONFUSIONS.get(ch, "") + group.replace(ch, "")


def garble_text(text: str, rng: random.Random, rate: float) -> str:
    """Damage each character with probability `rate`: mostly a look-alike, else a drop or a space."""
    out = []
    for ch in text:
        if rng.random() >= rate:
            out.append(ch)
            continue
        r = rng.random()
        if r < 0.65 and ch in CONFUSIONS:
            out.append(rng.choice(CONFUSIONS[ch]))
        elif r < 0.8:
            continue
        elif r < 0.9:
            out.append(ch + " ")
        else:
            out.append(ch + ch)
    garbled = "".join(out).strip()
    return garbled or text[:1]
