"""Clearly fictional demonstration assessments, for trying sg-assess out, training and screenshots.

Five are on questionnaire version 1 (``DEMO_FAMILIES``, below); four more, one
for each age band from unborn to adolescent, are on version 2 and are data
files in ``demo_data/`` (``DEMO_FAMILIES_V2``), the way all demo data will go.

Every child, adult, professional, service and place here is invented: people's
names carry the marker ``(fictional)`` and places are Anytown, Othertown and
the like.  Telephone numbers use 01632 960xxx, the UK range kept for drama.

Dates are never today's.  In the data, a value that is exactly ``"@+N"`` or
``"@-N"`` is the ISO date N days after (or before) the base date given to
``build_demo``, and ``{@+N}`` inside text becomes that date written out
("2 February 2026").  The default base date is a fixed day in 2026.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from sg_assess.paths import builtin_questionnaire_dir
from sg_assess.questionnaire.loader import DEFAULT_QUESTIONNAIRE, load_file
from sg_assess.questionnaire.schema import Question, Questionnaire
from sg_assess.store.repository import Store

DEFAULT_BASE_DATE = dt.date(2026, 2, 2)
DEMO_DATA_DIR = Path(__file__).with_name("demo_data")
V2_QUESTIONNAIRE_FILE = f"{DEFAULT_QUESTIONNAIRE}-v2.toml"
FICTIONAL_MARKER = "(fictional)"

GENERIC_TEXT = ("Discussed with the family during this assessment; nothing further to add at this stage. "
                "(Fictional demonstration answer.)")

_DATE_VALUE = re.compile(r"^@([+-]\d+)$")
_DATE_IN_TEXT = re.compile(r"\{@([+-]\d+)\}")

# ---------------------------------------------------------------------------------------------------------------------
# 1. Ada Example, aged 7: a complete first assessment (early help after a referral to children's social care)
# ---------------------------------------------------------------------------------------------------------------------

ADA_PAST_HARM = (
    "On {@-22}, at the handover outside Maria's home, Maria and Tom argued and Tom pushed Maria, who fell against "
    "the garden wall and grazed her arm. Ada, who is 7, was standing next to them and saw it. She was crying at "
    "school the next morning and told her class teacher: 'Daddy pushed Mummy and she fell on the wall.' Maria and "
    "Tom say there have been two other loud arguments at handovers in the last six months, with shouting and "
    "swearing in front of Ada, but no other physical incident.\n\n"
    "Since the start of the school year Ada has been late 14 times and her attendance is 89%. On several of those "
    "mornings she arrived without breakfast and said she had been 'getting Finn's milk because Mummy was tired'."
)

ADA_FIRST: dict[str, Any] = {
    "ethnicity": ("Mixed White British and Black Caribbean, in Maria's and Tom's words. Ada says: "
                  "'I'm half Jamaican like Nana Pearl.'"),
    "religion_belief": ("No religion at home. Ada sometimes goes to Nana Pearl's Pentecostal church with her and "
                        "enjoys the singing."),
    "first_language": "English, the only language spoken in both of Ada's homes.",
    "interpreter_needed": "no",
    "disability": "no",
    "communication": (
        "Ada talks easily and likes to draw while she talks. She found it easier to talk about worries in the quiet "
        "room at school, with her learning mentor nearby, than at home, where she kept checking on her mum."),
    "education_setting": "Anytown Primary School (fictional), Year 3.",
    "child_seen": "yes",
    "child_seen_date": "@-6",
    "child_seen_alone": "yes",
    "house_of_worries": (
        "'When Mummy and Daddy shout at the door. Daddy pushed Mummy and she fell on the wall and she was crying and "
        "I was crying. When Mummy stays in bed and I have to get Finn his milk. Being late, because everyone looks at "
        "me when I go in the class.'\n\n"
        "Ada drew a front door with two big open mouths next to it and said: 'That's the shouting.'"),
    "house_of_good_things": (
        "'Nana Pearl, because she makes pancakes and we read the dragon book. Biscuit, my cat. Finn when he laughs at "
        "me. Football with Daddy. My two best friends. Miss Robin, because she lets me do the talking.'"),
    "house_of_dreams": (
        "'Mummy and Daddy say hello nicely at Nana's house. Mummy is happy and gets up and we walk to school and I'm "
        "not late. I play football for a real team. And a dog, a big one.'"),
    "magic_wand": "'I would make Mummy not sad any more, and make Mummy and Daddy be friends.'",
    "child_wishes": (
        "'I want to live with Mummy and Finn and go to Daddy's at the weekends like now, but with no shouting.'\n\n"
        "Ada does not want her living arrangements to change, and the plan keeps them as they are. Handovers now "
        "happen at Nana Pearl's house, which was Ada's own idea."),
    "child_told_outcome": "yes",
    "child_told_by": ("Sam Worker (fictional), family support worker, at school with Robin Helper (fictional) "
                      "present, on {@+0}."),
    "words_and_pictures": (
        "I wrote a short words and pictures story for Ada, 'Why Sam is visiting', explaining the worries and the plan "
        "in words she understands, and read it with her, Maria and Tom on {@+0}. Ada coloured in the pictures and "
        "asked if Biscuit could be in it; he is now."),
    "child_has_advocate": "no",
    "dev_health_5_9": (
        "Ada is healthy, growing and eating well, according to the school nurse's check this term. Her immunisations "
        "are up to date and she saw the dentist in the last six months. She has had tummy aches on some school "
        "mornings, which Maria and the GP think are linked to worry. No injuries have been seen or reported."),
    "dev_education_5_9": (
        "Attendance this school year is 89%, with 14 late marks, mostly on Mondays and after bad nights at home. Ada "
        "is working just below the expected level in reading and at the expected level in maths. Her teacher says "
        "she is capable and catches up quickly when she arrives on time. She has no special educational needs. "
        "Maria reads with her when she can, and Tom helps with spellings at weekends."),
    "dev_emotional_5_9": (
        "Ada is usually cheerful and sociable. Since the incident her teacher has noticed that she is tearful on "
        "Monday mornings, watches the door at home time and asks whether Mummy is coming. She is not aggressive and "
        "there is no sexualised behaviour. She responds well to praise and to a calm adult, and settles quickly "
        "with her learning mentor."),
    "dev_identity_5_9": (
        "Ada is proud of being 'half Jamaican like Nana Pearl' and of being good at football. She describes "
        "herself as 'kind and a fast runner'. A classmate's comment about her hair upset her; the school dealt with "
        "it the same week. She knows both sides of her family and spends time with both."),
    "dev_relationships_5_9": (
        "Ada is close to her mum and to Finn, and adores her dad and Nana Pearl. She gets on well with Jay, whom "
        "she calls 'funny'. She has two best friends and is well liked in her class. On bad mornings she has been "
        "warming Finn's milk and dressing him, which is more than should be expected of a seven-year-old; the plan "
        "takes this off her."),
    "dev_presentation_5_9": (
        "Ada comes to school clean, in uniform that fits and suits the weather. On some late mornings she has not "
        "had breakfast. She is polite and friendly with adults she knows and sensibly wary of strangers."),
    "dev_selfcare_5_9": (
        "Ada dresses and washes herself, brushes her teeth with reminders and can make toast with help. She knows "
        "not to talk to strangers online and uses the family tablet only in the living room. She has sometimes been "
        "left to see to Finn while Maria was in bed, which is not right for her age."),
    "pc_basic_care": (
        "Ada's physical needs are well met in both homes: the homes are warm and clean, there is food in the "
        "cupboards, and health and dental appointments are kept. The gap is on bad mornings, when Maria's low mood "
        "has meant Ada going to school late and without breakfast. Tom provides well for Ada at weekends."),
    "pc_ensuring_safety": (
        "Both parents supervise Ada well for her age and both homes are safe. But neither parent kept Ada away from "
        "the arguments at handovers, and the push on {@-22} happened in front of her. Since then they have moved "
        "handovers to Nana Pearl's house, which shows they can act on a risk once they see it."),
    "pc_emotional_warmth": (
        "I saw Maria cuddle Ada when she came in from school and ask about her day; Ada leaned against her and "
        "chatted. Tom greets Ada with a hug and calls her 'champ'. Ada says: 'Mummy gives the best cuddles.' On low "
        "days Maria is quieter and less available, and Ada notices this."),
    "pc_stimulation": (
        "Maria reads and draws with Ada, and Tom takes her to football training and matches. Ada has a library "
        "card and uses it. Lateness is affecting her learning, so getting her to school on time is part of the "
        "plan."),
    "pc_guidance_boundaries": (
        "Rules are clear and similar in both homes: bedtime at 7.30pm, limits on screen time, and good manners. "
        "Both parents use time out and loss of screen time; neither uses physical punishment, and Ada says the same. "
        "The example the adults set at handovers has not been good, and both accept this."),
    "pc_stability": (
        "Ada has lived with Maria in the same home since she was two, and has had the same pattern of weekends with "
        "Tom for four years. Jay moved in 18 months ago and Ada has accepted him well. The instability is "
        "emotional: the arguments at handovers and Maria's low mood."),
    "fe_history_functioning": (
        "Maria and Tom separated when Ada was two, after a relationship that both describe as 'full of rows' but "
        "without violence until {@-22}. Maria had postnatal depression after Ada was born, which improved with "
        "treatment. Maria met Jay three years ago and Finn was born 14 months ago. Neither family has been known "
        "to children's social care before."),
    "fe_wider_family": (
        "Nana Pearl, Maria's mother, lives five minutes away, is trusted by both parents and is a key part of the "
        "plan. Maria's sister, Lou, lives in Anyvillage and visits monthly. Tom's mother lives in Othertown and sees "
        "Ada on Tom's weekends. No one in the wider family is known to pose a risk to Ada."),
    "fe_housing": (
        "Maria and Jay rent a three-bedroom housing association house in Anytown, where Ada has her own room. It is "
        "warm, clean and in good repair, and the tenancy is secure. Tom rents a two-bedroom flat in Othertown, where "
        "Ada also has her own room."),
    "fe_employment": (
        "Jay is a long-distance lorry driver and works away from Monday to Friday. Maria is on maternity leave from "
        "her job as a care assistant and plans to go back part time. Tom works shifts in a warehouse and arranges "
        "them around his weekends with Ada."),
    "fe_income": (
        "Money has been tight since Maria's maternity pay ended, and child maintenance is a source of arguments "
        "between Maria and Tom. There are no rent arrears. I have referred Maria to Anytown Citizens Advice "
        "(fictional) for a benefits check, and the school has offered Ada a free breakfast club place."),
    "fe_social_integration": (
        "The family has lived in the same street for five years and knows the neighbours. Maria has become "
        "isolated since Finn was born and rarely goes out on bad days. Nana Pearl's church is an important "
        "community for her and, through her, for Ada."),
    "fe_community_resources": (
        "The family uses the GP, the school, the library and the baby group at Anytown Family Hub (fictional). Maria "
        "finds it hard to go to groups on bad days; the family hub has offered her a place in its peer support "
        "walking group."),
    "parents": [
        {"name": "Maria Example (fictional)", "relationship": "Mother; Ada lives with her", "involved": True},
        {"name": "Tom Example (fictional)",
         "relationship": "Father; lives in Othertown, Ada stays with him every other weekend", "involved": True},
        {"name": "Jay Sample (fictional)", "relationship": "Mother's partner; lives in the household at weekends",
         "involved": False,
         "reason_not_involved": ("Works away as a long-distance lorry driver from Monday to Friday and was not "
                                 "available for the visits. Maria has told him about the assessment and he has "
                                 "agreed to come to the review on {@+42}.")},
    ],
    "household_members": [
        {"name": "Finn Sample (fictional)", "relationship": "Half-brother, 14 months old"},
    ],
    "network": [
        {"name": "Pearl Madeup (fictional)", "relationship": "Maternal grandmother (Nana Pearl); knows the worries",
         "involved": True},
        {"name": "Lou Madeup (fictional)", "relationship": "Maternal aunt; knows the worries", "involved": True},
    ],
    "parents_views": (
        "Maria: 'I'm ashamed Ada saw that. I've been struggling since Finn and I didn't want to admit it. I want "
        "help. I don't want Ada doing my job.'\n\n"
        "Tom: 'I'm not a violent man, and I'll do handovers at Pearl's so there's no chance of rows. I want Ada at "
        "school on time though; that's been bothering me for months.'"),
    "agencies_involved": [
        {"name": "Kim Teacher (fictional)", "relationship": "Class teacher",
         "agency": "Anytown Primary School (fictional), 01632 960001", "involved": True},
        {"name": "Alex Guardian (fictional)", "relationship": "Designated safeguarding lead; made the referral",
         "agency": "Anytown Primary School (fictional), 01632 960001", "involved": True},
        {"name": "Robin Helper (fictional)", "relationship": "Learning mentor",
         "agency": "Anytown Primary School (fictional), 01632 960001", "involved": True},
        {"name": "Pat Visitor (fictional)", "relationship": "Health visitor (for Finn)",
         "agency": "Anytown Health Visiting Team (fictional), 01632 960123", "involved": True},
        {"name": "Dr Lee Doctor (fictional)", "relationship": "GP for Maria, Ada and Finn",
         "agency": "Anytown Health Centre (fictional), 01632 960456", "involved": True},
        {"name": "Mo Advocate (fictional)", "relationship": "Domestic abuse support worker for Maria",
         "agency": "Anytown Domestic Abuse Service (fictional), 01632 960789", "involved": True},
    ],
    "lead_professional": "Sam Worker (fictional), family support worker, Anytown Early Help Service (fictional)",
    "referral_made": "yes",
    "referral_date": "@-21",
    "referral_outcome": (
        "Anytown Children's Services (fictional) screened the school's referral on {@-20}. They spoke to Maria and "
        "Tom by phone and decided that a statutory assessment was not needed at this time. They recommended an "
        "early help assessment with a lead professional from the Early Help Service and a referral for Maria to "
        "the domestic abuse service, and asked to be told at once of any further incident."),
    "referral_follow_up": "Satisfied with the response",
    "consent_asked": "yes",
    "consent_given": "Yes, fully",
    "consent_override": "no",
    "information_shared": (
        "With Maria's and Tom's agreement, on {@-14} the school, the GP and the health visitor were told about this "
        "assessment and the plan. On {@-13} the domestic abuse service was given Maria's contact details and a "
        "summary of the incident. Ada knows that her teacher and Robin know 'about the grown-up worries'."),
    "racism_discrimination": (
        "I asked Ada, Maria and Tom. Ada said a girl in her class said her hair was 'messy' and asked whether she "
        "was 'from here', which upset her; the school dealt with it the same week and Ada says it has not happened "
        "again. Maria said she has sometimes felt judged by professionals as a young Black mother and was afraid "
        "she would not be believed, or that Ada would be taken away, which is one reason she did not ask for help "
        "sooner. Tom reports no discrimination."),
    "culture_considered": (
        "Ada has White British and Black Caribbean heritage. Maria and Nana Pearl told me about their family's "
        "Jamaican roots, Pearl's church, and the food and music that matter to Ada. I asked rather than assumed, "
        "and Maria said she valued being asked. Her worry about being judged has been acknowledged, and she chose "
        "where and when we met."),
    "service_barriers": (
        "Maria's anxiety about leaving the house on bad days: I will go with her to the first appointment. Bus "
        "fares to the Talking Therapies clinic in Othertown: the GP has arranged telephone sessions. Maria's past "
        "experience of feeling judged by services: acknowledged, and she has a named worker."),
    "past_harm": ADA_PAST_HARM,
    "danger_statements": (
        "Sam Worker (family support worker) and Ada's school are worried that if Maria and Tom keep arguing when Ada "
        "moves between their homes, Ada could be hurt if it turns physical again, as it did on {@-22}, and she will "
        "keep feeling frightened and worried about her mum.\n\n"
        "We are also worried that if Maria's low mood is not treated and mornings stay as they are, Ada will keep "
        "missing the start of the school day, fall further behind with her reading, and keep feeling that it is "
        "her job to look after Finn."),
    "danger_disagreement": (
        "Tom agrees that the arguments upset Ada, but says: 'I didn't push her to hurt her, I pushed her away "
        "because she was in my face.' He agrees he should not have done it, and not in front of Ada. Maria agrees "
        "with the danger statements."),
    "complicating_factors": ["Domestic abuse", "Mental ill-health", "Poverty or debt"],
    "complicating_details": (
        "Maria has had low mood since Finn was born; on bad days she struggles to get up, and Ada has been helping "
        "with Finn. The push on {@-22} is domestic abuse between separated parents, even though they no longer live "
        "together. Their arguments are mostly about money and child maintenance, which has got harder since "
        "Maria's maternity pay ended."),
    "worries_evidence": (
        "What Ada told her class teacher on {@-21} and told me on {@-6}; the school's attendance record (89%, 14 late "
        "marks this school year); what Maria and Tom each told me at home visits on {@-5} and {@-4}; the health "
        "visitor's notes about Maria's low mood since Finn's birth; and the GP's letter confirming Maria is waiting "
        "for Talking Therapies. The police were not called on {@-22}, so there is no police record: the account of "
        "the push comes from Ada and Maria, and Tom agrees he 'pushed her away'."),
    "existing_strengths": (
        "Ada is a bright, funny and caring girl who loves football, drawing and her cat. She has good friends and "
        "reads with Nana Pearl every week. Maria and Tom both love Ada, speak warmly of her and came to every "
        "meeting. Maria is a gentle, patient mother with Finn, and the home is warm and clean. Tom has had Ada "
        "every other weekend for four years without missing one and takes her to football training. Nana Pearl "
        "lives five minutes away and is trusted by both parents. Maria asked for help herself, and Jay supports her "
        "getting treatment."),
    "existing_safety": (
        "Since {@-21}, all three handovers have happened at Nana Pearl's house with Pearl there, at Maria's and "
        "Tom's own suggestion, and Ada and Pearl both say they were calm. On {@-10}, when Maria felt too low to get "
        "up, she rang Pearl, who took Ada to school on time and gave Finn his breakfast.\n\n"
        "This has been in place for three weeks only, so it is not yet safety shown over time; the safety goals "
        "ask for it to continue for three months."),
    "working_well_evidence": (
        "Ada's and Nana Pearl's accounts of the handovers; the school register for the last three weeks (one late "
        "mark); my own observations at two home visits; and the football club's confirmation that Tom brings Ada "
        "every fortnight."),
    "safety_scale": [
        {"who": "Ada Example (fictional)", "role": "Child", "score": 6, "date": "@-6",
         "reason": ("Ada used a smiley-face scale: 'Because Mummy and Daddy didn't shout at Nana's house last time, "
                    "but Mummy is still sad sometimes.'")},
        {"who": "Maria Example (fictional)", "role": "Mother", "score": 6, "date": "@-5",
         "reason": ("'I know Ada saw things she shouldn't have. Since we've done handovers at Mum's it's been "
                    "calmer, and I've been back to the GP.'")},
        {"who": "Tom Example (fictional)", "role": "Father", "score": 7, "date": "@-4",
         "reason": ("'Ada is loved and well looked after. The problem was me and Maria arguing, and we've sorted "
                    "the handovers now.'")},
        {"who": "Sam Worker (fictional)", "role": "Family support worker (lead professional)", "score": 5,
         "date": "@+0",
         "reason": ("Handovers have been calm for three weeks and Maria has asked for help with her low mood. It is "
                    "too soon to know whether this will last, Ada is still late most weeks, and Tom does not yet "
                    "fully accept how frightening the push was for Ada.")},
    ],
    "score_up_one": (
        "Sam: two more months of calm handovers and Ada arriving on time. Maria: 'Starting the therapy and Ada not "
        "being late.' Tom: 'Me and Maria being able to talk about Ada without it turning into a row.' Ada: 'If "
        "Mummy came to watch me at football.'"),
    "safety_goals": (
        "For the next three months, every handover of Ada will happen at Nana Pearl's house with Pearl there. "
        "Maria and Tom will keep any disagreement out of Ada's sight and hearing, with no pushing, shouting or "
        "name-calling, and Ada will tell her learning mentor that handovers feel calm.\n\n"
        "For the next three months, Maria will keep her GP appointments and work with Talking Therapies. With help "
        "from Jay, Nana Pearl and the breakfast club, Ada will arrive at school on time on at least nine days out of "
        "ten and will not be responsible for getting Finn ready."),
    "next_steps": [
        {"what": ("Hold every handover at Nana Pearl's house with Pearl present, and keep messages between Maria "
                  "and Tom to arrangements for Ada."),
         "who": "Maria Example (fictional) and Tom Example (fictional)",
         "by_when": "@+7", "review_date": "@+42", "done": False},
        {"what": ("Book a GP review of Maria's low mood and start Talking Therapies; Sam to go with Maria to the "
                  "first appointment if she wishes."),
         "who": "Maria Example (fictional), supported by Sam Worker (fictional)",
         "by_when": "@+14", "review_date": "@+42", "done": False},
        {"what": "Start weekly sessions with the learning mentor and a free breakfast club place for Ada.",
         "who": "Robin Helper (fictional), learning mentor",
         "by_when": "@+7", "review_date": "@+42", "done": False},
    ],
    "child_support": (
        "Weekly sessions with Robin Helper, the school learning mentor, using a worry box and drawing, and a "
        "breakfast club place. Ada says she likes Robin 'because she lets me do the talking'."),
    "outcome": "Early help",
    "analysis_summary": (
        "Ada is a much-loved child whose day-to-day care is good. But she saw her father push her mother, she has "
        "been frightened by repeated arguments at handovers, and her mother's low mood has made mornings hard, so "
        "that Ada is often late for school and has taken on caring for Finn. Children's social care screened the "
        "school's referral and decided that early help was the right response; I agree.\n\n"
        "Both parents accept the worries, though Tom sees the push differently, and they have already moved "
        "handovers to Nana Pearl's house. This is Ada's first assessment, so there are no earlier scores to compare "
        "with; today's scores range from 5 (mine) to 7 (Tom's). What is missing is safety shown over time, and "
        "treatment for Maria's low mood. I will review the plan at a team around the family meeting on {@+42} and "
        "reassess in six months."),
}

# ---------------------------------------------------------------------------------------------------------------------
# 5. Ada Example six months later: a complete re-assessment of the same child, showing progress
# ---------------------------------------------------------------------------------------------------------------------

ADA_REVIEW: dict[str, Any] = {
    **ADA_FIRST,
    "education_setting": "Anytown Primary School (fictional). Ada has finished Year 3 and moves into Year 4 next term.",
    "child_seen_date": "@+179",
    "house_of_worries": (
        "'Nothing really. Sometimes I worry Mummy will get sad again, but she says she'll tell Nana if she does.'\n\n"
        "Ada drew her house of worries almost empty, with one small cloud in the corner that she said was 'just a "
        "little worry'."),
    "house_of_good_things": (
        "'Breakfast club, because we get crumpets. Mummy takes me to school now. Nana Pearl. Football: I scored in "
        "the match and Mummy and Daddy both came and they didn't argue! Biscuit. Finn, because he can say my name.'"),
    "house_of_dreams": "'The same as now but forever. And a dog.'",
    "magic_wand": "'I'd make the summer holidays longer.'",
    "child_wishes": (
        "'I want it to stay like this.' Ada also wants to keep seeing Robin when she is in Year 4, and the school "
        "has agreed."),
    "child_told_by": "Sam Worker (fictional), family support worker, at home with Maria present, on {@+182}.",
    "words_and_pictures": (
        "I added a new last page, 'What has got better', to Ada's words and pictures story and read it with her on "
        "{@+182}. She added a drawing of her football match."),
    "dev_health_5_9": (
        "Ada is healthy and growing well. Maria says the tummy aches on school mornings have stopped. Her "
        "immunisations and dental check-ups are up to date."),
    "dev_education_5_9": (
        "Attendance last term was 97%, with two late marks. Ada's teacher says her reading has reached the expected "
        "level and she is 'much more settled and ready to learn'. She has no special educational needs."),
    "dev_emotional_5_9": (
        "Her teacher and learning mentor describe Ada as settled and happy, and the Monday morning tearfulness has "
        "stopped. She still asks at home time whether Mummy is coming, but much less often."),
    "dev_relationships_5_9": (
        "Ada is close to both parents, Nana Pearl, Jay and Finn. She no longer looks after Finn in the mornings. She "
        "has joined a junior football team and made new friends there."),
    "dev_selfcare_5_9": (
        "Ada dresses and washes herself and gets her own school bag ready the night before, which she is proud of. "
        "She is no longer left to see to Finn."),
    "pc_basic_care": (
        "Ada's physical needs are met well in both homes, including on school mornings: she has breakfast at home "
        "or at breakfast club and arrives on time."),
    "pc_ensuring_safety": (
        "For six months Maria and Tom have kept Ada away from any disagreement: all handovers happen at Nana "
        "Pearl's house. Maria asked for help early when her mood dipped three months ago."),
    "pc_emotional_warmth": (
        "Maria is more relaxed and playful with Ada and Finn; I saw them laughing together over a board game. Tom "
        "and Maria both went to Ada's football match and sat together."),
    "pc_stability": (
        "Ada's home, school and weekends with Tom are unchanged. Handovers are now predictable and calm, and Maria's "
        "mood is steadier."),
    "fe_employment": (
        "Maria has gone back to work as a care assistant three days a week; Pearl looks after Finn on those days. "
        "Jay and Tom's work is unchanged."),
    "fe_income": (
        "The benefits check found Maria was entitled to more Universal Credit, now paid. Maria and Tom agreed child "
        "maintenance through the Child Maintenance Service, which has ended the arguments about money."),
    "fe_social_integration": (
        "Maria goes to the family hub walking group every week and has made two friends there. The family is "
        "settled in its street and in Pearl's church community."),
    "parents": [
        {"name": "Maria Example (fictional)", "relationship": "Mother; Ada lives with her", "involved": True},
        {"name": "Tom Example (fictional)",
         "relationship": "Father; lives in Othertown, Ada stays with him every other weekend", "involved": True},
        {"name": "Jay Sample (fictional)", "relationship": "Mother's partner; lives in the household at weekends",
         "involved": True},
    ],
    "parents_views": (
        "Maria: 'It feels like a different house. I'd tell any mum struggling to ask for help sooner than I did.'\n\n"
        "Tom: 'It's calm now. Pearl's has worked. I don't think we need much more from you, but I get why you want "
        "to be sure.'\n\n"
        "Jay: 'I do the Friday school run when I'm home and Ada loves it. We're all on the same page.'"),
    "information_shared": (
        "With Maria's, Tom's and Jay's agreement, this re-assessment was shared on {@+182} with the school, the GP "
        "and the health visitor."),
    "racism_discrimination": (
        "I asked again. Ada says nothing like the comment about her hair has happened since. Maria says she has felt "
        "listened to by the services involved this time."),
    "past_harm": ADA_PAST_HARM + (
        "\n\nThere have been no further incidents between Maria and Tom in the six months since {@-22}."),
    "danger_statements": (
        "Sam Worker and Ada's school are still worried that if arguments between Maria and Tom started again at "
        "handovers, Ada could be hurt or frightened, as she was on {@-22}. This has not happened for six months.\n\n"
        "We are also worried that if Maria's low mood returned and she did not ask for help, Ada could again end up "
        "late for school and looking after Finn."),
    "danger_disagreement": (
        "Maria, Tom and Jay agree with the danger statements. Tom says: 'It's not a worry any more, but I get why you "
        "want to be sure.'"),
    "complicating_factors": ["Mental ill-health"],
    "complicating_details": (
        "Maria's low mood has improved with therapy, but she knows it can come back, especially in the darker months. "
        "The domestic abuse between Maria and Tom has not happened again; Maria has finished the domestic abuse "
        "service's recovery group."),
    "worries_evidence": (
        "The school's attendance record for last term (97%, two late marks); Ada's own words on {@+179}; the "
        "Talking Therapies discharge letter and the GP's update; Nana Pearl's account of every handover; and "
        "Maria's, Tom's and Jay's accounts at the review visits on {@+180}."),
    "existing_strengths": (
        "Ada is happy, confident and doing well at school, and has joined a junior football team. Maria has "
        "finished a course of therapy, gone back to work part time and built her own support network. Tom and "
        "Maria now talk politely and both came to Ada's match. Jay has become more involved, and Nana Pearl remains "
        "the steady centre of the network."),
    "existing_safety": (
        "For six months, every handover (13 in all) has happened at Nana Pearl's house with Pearl there, and Pearl, "
        "Ada, Maria and Tom all say they have been calm.\n\n"
        "Three months ago, when Maria had a bad week, she told Sam and the GP herself and asked Pearl to do the "
        "school run for three days; Ada was on time every day. Jay has done the school run every Friday he is "
        "home. This is protection shown over time, at the times when the danger was present."),
    "working_well_evidence": (
        "The school register and learning mentor's notes for the last six months; Pearl's record of handovers; the "
        "GP's update; and what Ada, Maria, Tom and Jay told me on {@+179} and {@+180}."),
    "safety_scale": [
        {"who": "Ada Example (fictional)", "role": "Child", "score": 9, "date": "@+179",
         "reason": "'Because Mummy smiles more and I go to breakfast club and nobody shouts.'"},
        {"who": "Maria Example (fictional)", "role": "Mother", "score": 8, "date": "@+180",
         "reason": "'Everything's calmer and I know what to do if I start feeling low again.'"},
        {"who": "Tom Example (fictional)", "role": "Father", "score": 8, "date": "@+180",
         "reason": "'Six months with no trouble. I'd give it a 10 but I know you need to see it last.'"},
        {"who": "Sam Worker (fictional)", "role": "Family support worker (lead professional)", "score": 7,
         "date": "@+182",
         "reason": ("Six months of calm handovers, Maria's mood treated and her asking for help early, and Ada's "
                    "attendance at 97%. Not higher yet because the move to Year 4 and the winter months, when "
                    "Maria's mood has dipped before, are still to come.")},
    ],
    "score_up_one": (
        "Sam: the arrangements holding through the start of Year 4. Maria: 'Getting through the winter without a "
        "bad patch.' Tom: 'Just more of the same.' Ada: 'A dog.'"),
    "safety_goals": (
        "For the next three months the current arrangements continue: handovers at Nana Pearl's house, no "
        "arguments in Ada's sight or hearing, Maria asking for help early if her mood drops, and Ada getting to "
        "school on time on at least nine days out of ten, including after she moves into Year 4. If this holds, "
        "early help can end at the next review."),
    "next_steps": [
        {"what": "Start weekly learning mentor sessions and a breakfast club place for Ada (from the first plan).",
         "who": "Robin Helper (fictional), learning mentor", "by_when": "@+7", "review_date": "@+42", "done": True},
        {"what": "Keep every handover at Nana Pearl's house with Pearl present.",
         "who": "Maria Example (fictional) and Tom Example (fictional)",
         "by_when": "@+189", "review_date": "@+273", "done": False},
        {"what": "Agree a written plan for what Maria will do, and whom she will call, if her low mood returns.",
         "who": "Maria Example (fictional), with Dr Lee Doctor (fictional)",
         "by_when": "@+210", "review_date": "@+273", "done": False},
        {"what": "Carry on weekly learning mentor sessions into Year 4 and keep the breakfast club place.",
         "who": "Robin Helper (fictional), learning mentor",
         "by_when": "@+217", "review_date": "@+273", "done": False},
    ],
    "child_support": (
        "Learning mentor sessions continue into Year 4, now fortnightly at Ada's request, and she keeps her "
        "breakfast club place. Ada says: 'Robin is my school grown-up.'"),
    "analysis_summary": (
        "Six months on, Ada is safer and happier. There has been no incident between her parents since {@-22}, and "
        "every handover has been calm. Maria has finished a course of therapy and her mood has lifted. Ada's "
        "attendance has risen from 89% to 97%, and she no longer looks after Finn in the mornings.\n\n"
        "Compared with the first assessment on {@+0}, every safety scale score has risen: mine from 5 to 7, Maria's "
        "from 6 to 8, Tom's from 7 to 8 and Ada's from 6 to 9. The remaining worry is whether this holds through the "
        "move to Year 4 and the winter, when Maria's mood has been lower before. I recommend three more months of "
        "early help, closing at a review on {@+273} if the safety goals are met."),
}

# ---------------------------------------------------------------------------------------------------------------------
# 2. Baby Placeholder: a pre-birth assessment, about half done
# ---------------------------------------------------------------------------------------------------------------------

BABY_PREBIRTH: dict[str, Any] = {
    "ethnicity": "Rosa and Kai both describe themselves as White British.",
    "religion_belief": "None, in both parents' words.",
    "first_language": "English.",
    "interpreter_needed": "no",
    "disability": "no",
    "unborn_parents_feelings": (
        "Rosa: 'It wasn't planned, but I want this baby more than anything. I want to give her what I never had.' "
        "She is frightened that 'social services will take her because I was in care'.\n\n"
        "Kai: 'I'm buzzing. I'll be a better dad than mine was.' He worries about money. Both talk about the baby "
        "as 'she' and have not yet chosen a name."),
    "dev_health_unborn": (
        "Rosa booked late, at 19 weeks, and has since kept three of four antenatal appointments; the 20-week scan "
        "was normal. She is now about 28 weeks pregnant. She has anxiety, treated in the past with talking therapy, "
        "and takes no medication. She stopped smoking when she found out she was pregnant and says she does not "
        "drink or use drugs. Kai smokes cannabis most evenings; Rosa says never in the flat."),
    "dev_emotional_unborn": (
        "Rosa's anxiety has got worse during the pregnancy and she is waiting to be seen by the perinatal mental "
        "health team. A neighbour called the police to the flat on {@-40} because of shouting; no one was "
        "arrested. Rosa says Kai checks her phone and 'gets jealous'. Both parents spoke warmly about cuddling and "
        "talking to the baby."),
    "dev_identity_unborn": (
        "Kai is named as the father and plans to be on the birth certificate. Both want the baby to know Kai's "
        "family. Rosa has little contact with her own family and wants the baby to know 'where I come from, the "
        "good bits'."),
    "dev_selfcare_unborn": (
        "Rosa plans to breastfeed. They have a Moses basket from the baby bank and know the safe sleep advice. I "
        "talked with them about never sharing a bed or sofa with the baby, especially after cannabis or alcohol, "
        "and Kai agreed. They have not yet been to antenatal classes; I have booked them into the young parents' "
        "class at Anytown Family Hub (fictional)."),
    "pc_basic_care": (
        "Not yet seen in practice. Rosa has kept her own flat clean and organised for two years and has got "
        "clothes and nappies ready. Kai plans to be at the flat most days."),
    "pc_ensuring_safety": (
        "The main worries are the arguments between Rosa and Kai, including the police call-out on {@-40}, and "
        "Kai's cannabis use. Both accepted the safe sleep advice. Whether they can keep a baby safe from their "
        "conflict has not yet been shown."),
    "fe_history_functioning": (
        "Rosa was in foster care from 12 to 18 after neglect at home, and has a leaving care personal adviser until "
        "she is 25. She and Kai have been together for 18 months. Kai grew up with his mother and says his father "
        "was violent; Kai has no convictions. Neither has children already."),
    "fe_wider_family": (
        "Kai's mother, Dee, lives nearby, has offered to help and gets on well with Rosa. Rosa's former foster "
        "carer, Viv, keeps in touch and has offered support after the birth. Rosa has little contact with her "
        "birth parents."),
    "fe_housing": (
        "Rosa has a one-bedroom council flat on the second floor, with a lift that often breaks down. It is clean "
        "and warm. Kai stays most nights but is not on the tenancy. They have applied to move to a two-bedroom "
        "home."),
    "fe_income": (
        "Rosa receives Universal Credit and Kai works part time at a car wash. They have a small catalogue debt. I "
        "have helped Rosa apply for a maternity grant and referred her to the baby bank."),
    "parents": [
        {"name": "Rosa Placeholder (fictional)", "relationship": "Mother (expectant), 19", "involved": True},
        {"name": "Kai Notreal (fictional)", "relationship": "Father, 22; stays at the flat most nights",
         "involved": True},
    ],
    "network": [
        {"name": "Dee Notreal (fictional)", "relationship": "Paternal grandmother; knows some of the worries",
         "involved": True},
        {"name": "Viv Madeup (fictional)", "relationship": "Rosa's former foster carer; knows the worries",
         "involved": False,
         "reason_not_involved": "Rosa wants to tell Viv about the assessment herself first; I will contact her after."},
    ],
    "agencies_involved": [
        {"name": "Sol Adviser (fictional)", "relationship": "Rosa's leaving care personal adviser",
         "agency": "Anytown Leaving Care Team (fictional), 01632 960300", "involved": True},
        {"name": "Bea Midwife (fictional)", "relationship": "Community midwife",
         "agency": "Anytown General Hospital (fictional), 01632 960400", "involved": True},
        {"name": "Dr Lee Doctor (fictional)", "relationship": "GP",
         "agency": "Anytown Health Centre (fictional), 01632 960456", "involved": True},
    ],
    "referral_made": "yes",
    "referral_date": "@+3",
    "referral_outcome": (
        "Not known yet. On {@+8} the front door team said a social worker would be allocated to do a pre-birth "
        "assessment. I will follow this up on {@+17} if I have not heard."),
    "referral_follow_up": "Awaiting outcome",
    "consent_asked": "yes",
    "consent_given": "Yes, in part",
    "consent_override": "no",
    "information_shared": (
        "Rosa and Kai agreed to information being shared with the GP, the health visitor and children's social "
        "care, but not with Rosa's birth family. Shared with children's social care on {@+3} and with the health "
        "visitor on {@+4}."),
    "danger_statements": (
        "The midwife and Rosa's personal adviser are worried that if Rosa and Kai's arguments carry on, or get "
        "worse after the baby is born, the baby could be hurt, for example if something is thrown or the baby is "
        "dropped, and would grow up frightened.\n\n"
        "We are also worried that if Kai smokes cannabis and falls asleep with the baby on the sofa, the baby could "
        "die suddenly in their sleep."),
    "complicating_factors": ["Substance misuse", "Domestic abuse", "Mental ill-health"],
    "worries_evidence": (
        "Rosa's account at antenatal appointments; the police record of the call-out on {@-40}, shared by the "
        "police with Rosa's consent; Kai's own account of his cannabis use; and the antenatal record of a missed "
        "appointment. Not yet checked: Kai's account of the argument."),
    "existing_strengths": (
        "Rosa is organised, caring and determined to be a good mother; she has kept her tenancy for two years and "
        "asks for help when she needs it. Kai is excited about the baby, has come to two appointments and was open "
        "about his cannabis use. They have support from Dee and Viv, and Rosa has a good relationship with her "
        "personal adviser."),
}

# ---------------------------------------------------------------------------------------------------------------------
# 3. Cleo Sample, aged 15: nearly complete, information shared without consent (risk of significant harm)
# ---------------------------------------------------------------------------------------------------------------------

CLEO_DISCLOSURE: dict[str, Any] = {
    "ethnicity": "White British, in Cleo's words.",
    "religion_belief": "None, in Cleo's words.",
    "first_language": "English.",
    "interpreter_needed": "no",
    "disability": "yes",
    "disability_details": (
        "Cleo has dyslexia, diagnosed in Year 7. She has extra time and a reader in exams and uses coloured "
        "overlays. She prefers information in writing, in short points, and asked for her written plan in a "
        "dyslexia-friendly format."),
    "communication": (
        "Cleo speaks clearly and confidently once she trusts someone. She found it easier to talk with the door "
        "closed and with her form tutor, whom she chose, in the room at first."),
    "education_setting": "Anytown Academy (fictional), Year 11.",
    "child_seen": "yes",
    "child_seen_date": "@+17",
    "child_seen_alone": "yes",
    "house_of_worries": (
        "Asked what worries her, Cleo said: 'Going home. Rob, when he's been drinking and starts on me about my phone "
        "or my room. That Mum will choose him. My mocks, because I can't concentrate. That Theo will get it next "
        "when I'm not there.'"),
    "house_of_good_things": (
        "'Auntie Mel, I can tell her anything. My best mate. Art, I'm actually good at it. Ms Kay in learning "
        "support. My brother Theo, even though he's annoying. Drawing at night with my headphones on.'"),
    "house_of_dreams": (
        "'Living somewhere calm where nobody shouts. Mum being like she was before Rob. Getting on the art course at "
        "college and one day doing animation.'"),
    "magic_wand": "'Make Rob disappear and make Mum listen to me.'",
    "child_wishes": (
        "'I don't want to live with Rob. I don't want to go into care either. I want to stay at Auntie Mel's until "
        "he's gone.'\n\n"
        "Cleo's wish to stay with her aunt tonight has been acted on. Whether she can go home depends on the "
        "enquiry; the social worker will talk this through with her."),
    "child_told_outcome": "no",
    "child_not_told_reason": (
        "The enquiry has not finished. Ash Socialworker (fictional) will tell Cleo the outcome and the reasons, with "
        "me there if she wants, within two working days of the enquiry ending. Cleo has been told what has happened "
        "so far and why."),
    "words_and_pictures": (
        "Cleo did not want 'a story'. She asked for a written list of who knows what and what happens next, which I "
        "gave her on {@+17}. She wants to attend any child protection conference."),
    "child_has_advocate": "no",
    "dev_health_15_17": (
        "Cleo is registered with a GP and dentist and is generally well. She has a red mark and swelling on her left "
        "cheek, seen by me and the school nurse on {@+17} and recorded on a body map; it has not needed treatment. "
        "She says she sleeps 'about four hours' and has had panic attacks before going home. She said no when asked "
        "about self-harm and thoughts of suicide, and was open about it. She does not drink or use drugs and vapes "
        "'sometimes'."),
    "dev_education_15_17": (
        "Cleo is in Year 11 with predicted grades of 4 to 6, and hopes to study art and design at Anytown College "
        "(fictional). Her attendance has fallen from 96% last year to 88% this year, mostly Monday mornings; she "
        "says she stays at home when she has not slept."),
    "dev_emotional_15_17": (
        "Cleo is articulate and funny, but at the moment anxious and tearful; she describes herself as 'on edge all "
        "the time at home'. She copes by drawing and by talking to her aunt and her best friend. There are no known "
        "worries about going missing, offending or exploitation. She was clear that she did not feel safe to go home "
        "tonight."),
    "dev_identity_15_17": (
        "Cleo describes herself as 'arty' and 'a good big sister'. She says she is bisexual; her mother knows and is "
        "supportive, but Rob makes 'jokes' about it that hurt her. Dyslexia has knocked her confidence in the past, "
        "but she is proud of her art. She has her own birth certificate and a passport."),
    "dev_relationships_15_17": (
        "Cleo is close to her mother, whom she calls 'my best friend before Rob', and protective of her brother "
        "Theo, who is 9. She has not seen her father for three years. She has a small group of close friends and a "
        "best friend since primary school. She is not in a relationship and there are no worries about older "
        "contacts online."),
    "dev_presentation_15_17": (
        "Cleo is usually well presented in school uniform. On {@+17} she kept her hood up and her face turned away, "
        "which staff said is not like her."),
    "pc_basic_care": (
        "Cleo's physical needs are met: she has food, clothes, her own room and a phone, and Nina keeps health "
        "appointments. Cleo cooks for herself most evenings 'to stay out of Rob's way'."),
    "pc_ensuring_safety": (
        "Cleo says Rob has slapped, grabbed and shoved her, and that her mother saw him shove her once and told him "
        "to stop, but did nothing more. Nina has not yet been spoken to, so her view is not known. Theo may also be "
        "at risk; children's social care are considering his safety as part of the enquiry."),
    "pc_emotional_warmth": (
        "Cleo says her mum is 'really loving when it's just us' and that they still watch TV together. She says Rob "
        "is cold towards her and calls her names, and that her mum now takes Rob's side."),
    "pc_stimulation": (
        "Nina has encouraged Cleo's art and paid for a Saturday art class last year. Nina comes to parents' "
        "evenings. Cleo finds homework hard at home because of the arguments."),
    "pc_guidance_boundaries": (
        "Cleo says Rob now sets the rules about her phone and when she must be home, and enforces them by shouting "
        "and at times by force. She describes Nina's own rules as 'strict but fair'. The school has told Cleo "
        "clearly that what she describes is not acceptable and not her fault."),
    "pc_stability": (
        "Cleo has lived in the same home and gone to the same school since she was 11. Rob moved in about a year "
        "ago, and Cleo says things 'went downhill' from then. She stays with her aunt after bad arguments, which "
        "gives her somewhere safe but also means moving between homes."),
    "fe_history_functioning": (
        "Nina and Cleo's father separated when Cleo was 8; Cleo remembers shouting but no violence. Nina brought up "
        "Cleo and Theo on her own for several years. The family had early help five years ago for Theo's sleep and "
        "behaviour, which closed with good progress. Rob moved in about a year ago. Children's social care have not "
        "been involved before."),
    "fe_wider_family": (
        "Mel, Nina's sister, lives in Anytown and has had Cleo to stay several times. Cleo's grandparents live in "
        "Othertown and keep in touch by phone. Rob has an adult son who does not live locally. Nothing is known yet "
        "about any risk Rob poses; the police will carry out checks."),
    "fe_housing": "Nina rents a three-bedroom council house in Anytown. Cleo has her own room and says the house is "
                  "clean and warm.",
    "fe_employment": (
        "Nina works full time as a receptionist at a dental practice. Rob is a self-employed builder; Cleo says he is "
        "often at home in the afternoons when she gets back from school."),
    "fe_income": (
        "Cleo says there is enough money, but that Rob 'controls who spends what' and Nina has to ask him for money "
        "for Cleo's things. This may be financial control and will be explored with Nina."),
    "fe_social_integration": (
        "The family is well known locally. Cleo says her mum has seen much less of her friends since Rob moved in. "
        "Cleo has friends at school and goes to a Saturday art class."),
    "fe_community_resources": (
        "The family is registered with Anytown Health Centre (fictional). Cleo uses the school's learning support "
        "base and the school counsellor's drop-in, and is interested in the art club at the youth centre. The only "
        "barrier known is Cleo's fear that Rob will find out she has asked for help."),
    "parents": [
        {"name": "Nina Sample (fictional)", "relationship": "Mother", "involved": False,
         "reason_not_involved": ("Not yet spoken to: the strategy discussion on {@+17} agreed that the social worker "
                                 "and the police will speak to her, so that Cleo is not put at risk.")},
        {"name": "Rob Madeup (fictional)", "relationship": "Mother's partner; lives in the household",
         "involved": False,
         "reason_not_involved": "The adult Cleo says hurt her. The police will speak to him; the school will not."},
        {"name": "Dan Sample (fictional)", "relationship": "Father; lives in Othercity", "involved": False,
         "reason_not_involved": ("Has had no contact with Cleo for three years. Children's social care will decide "
                                 "whether to contact him.")},
    ],
    "household_members": [
        {"name": "Theo Sample (fictional)", "relationship": "Brother, 9"},
    ],
    "network": [
        {"name": "Mel Sample (fictional)", "relationship": "Maternal aunt; knows the worries, will have Cleo to stay",
         "involved": True},
    ],
    "parents_views": "Not yet known: Nina and Rob have not been spoken to (see consent).",
    "agencies_involved": [
        {"name": "Ash Socialworker (fictional)", "relationship": "Social worker",
         "agency": "Anytown Children's Services (fictional), 01632 960200", "involved": True},
        {"name": "PC Jamie Officer (fictional)", "relationship": "Police officer, child abuse investigation team",
         "agency": "Anytown Police (fictional), 01632 960210", "involved": True},
        {"name": "Sky Nurse (fictional)", "relationship": "School nurse",
         "agency": "Anytown School Nursing Service (fictional), 01632 960220", "involved": True},
        {"name": "Alex Guardian (fictional)", "relationship": "Designated safeguarding lead at Theo's school",
         "agency": "Anytown Primary School (fictional), 01632 960001", "involved": True},
    ],
    "lead_professional": ("Ash Socialworker (fictional), social worker, Anytown Children's Services (fictional), "
                          "during the enquiry."),
    "referral_made": "yes",
    "referral_date": "@+17",
    "referral_outcome": (
        "A strategy discussion between children's social care, the police and the school was held the same "
        "afternoon, and a child protection enquiry has started. Cleo agreed to stay with her aunt tonight, and the "
        "social worker is arranging this with Nina."),
    "referral_follow_up": "Satisfied with the response",
    "consent_asked": "yes",
    "consent_given": "No",
    "consent_override": "yes",
    "consent_override_reason": (
        "Cleo has a visible injury, says she is frightened to go home, and asked us not to tell her mum 'because "
        "she'll tell Rob and he'll kick off'. Telling Nina first could alert Rob, put Cleo at risk of further "
        "harm tonight and affect any police investigation. Chris Notreal (fictional), designated safeguarding "
        "lead, decided at 10.15am on {@+17} to share information with Anytown Children's Services (fictional) "
        "and the police without consent. Cleo was told before the referral was made, and why. Children's social "
        "care will decide with the police when and how Nina is told."),
    "information_shared": (
        "On {@+17}, without consent (see above), Anytown Children's Services and the police were told about Cleo's "
        "disclosure, her injury and her wish not to go home. Theo's school was told by children's social care at "
        "the strategy discussion. With Cleo's agreement, her aunt was told by the social worker that Cleo needed "
        "somewhere to stay tonight."),
    "racism_discrimination": (
        "I asked Cleo. She said she has not experienced racism. She has been called names online for being "
        "bisexual, and Rob makes 'jokes' about it at home that she finds hurtful. In Year 8 she was called 'thick' "
        "because of her dyslexia; she says the school dealt with it."),
    "culture_considered": (
        "Cleo says religion plays no part in family life. I treated her sexuality and her dyslexia as part of who "
        "she is, and gave her the written list she asked for in a dyslexia-friendly font on cream paper."),
    "past_harm": (
        "On the evening of {@+16}, during an argument about her phone, Cleo says Rob slapped her across the face. On "
        "{@+17} she had a red mark and swelling on her left cheek, seen by her form tutor, the school nurse and me. "
        "Cleo says Rob has grabbed her arms and shoved her 'three or four times' since he moved in a year ago, and "
        "that her mother saw one of these. Cleo is frightened at home, sleeps about four hours a night, and her "
        "attendance has fallen."),
    "danger_statements": (
        "The school, children's social care and the police are worried that if Rob keeps hitting, grabbing and "
        "shoving Cleo when they argue, she could be badly hurt, and she will keep feeling frightened in her own home, "
        "not sleeping and falling behind just before her exams.\n\n"
        "We are also worried that if Nina does not believe Cleo or protect her, Cleo may feel she has nowhere to go "
        "and may leave home or stay with people who are not safe, and that Theo may be hurt too."),
    "danger_disagreement": (
        "Nina's and Rob's views are not yet known. Cleo agrees with the danger statements, but says of Theo: "
        "'He's fine, he's Rob's favourite.'"),
    "complicating_factors": ["Substance misuse", "Domestic abuse"],
    "complicating_details": (
        "Cleo says Rob drinks most evenings and that the incidents have happened after he has been drinking; this "
        "has not been checked. She also says Rob controls the money and who Nina sees, and shouts at Nina too, which "
        "may be domestic abuse of Nina as well."),
    "worries_evidence": (
        "Cleo's account to her form tutor and to me on {@+17}, recorded in her own words; the injury seen by three "
        "members of staff and recorded on a body map; the school's attendance records; and Mel's account to the "
        "social worker of three earlier nights Cleo stayed with her after arguments. Not yet checked: Nina's and "
        "Rob's accounts, and police records."),
    "existing_strengths": (
        "Cleo is bright, creative and brave: she told a trusted adult and was clear about what she needs. She has a "
        "loving relationship with her mother and brother, an aunt who will have her to stay, good friends and "
        "staff she trusts. Nina brought up Cleo and Theo well on her own for years, supports Cleo's art and keeps "
        "her appointments."),
    "existing_safety": (
        "When arguments at home have been bad, Cleo has gone to her aunt Mel's, and Mel has taken her in every time: "
        "three times in the last four months. This is safety the network has shown over time, though it depended on "
        "Cleo getting herself out. No safety from within the household has been shown yet: Nina told Rob to stop "
        "once, but as far as Cleo knows has done nothing more."),
    "working_well_evidence": (
        "Cleo's account; Mel's account to the social worker; and the school's records of Cleo's progress and "
        "attendance over four years."),
    "safety_scale": [
        {"who": "Cleo Sample (fictional)", "role": "Young person", "score": 3, "date": "@+17",
         "reason": ("'Because he's still there and I don't know what Mum will do. It's not a 0 because I can go to "
                    "Mel's.'")},
        {"who": "Ash Socialworker (fictional)", "role": "Social worker", "score": 3, "date": "@+17",
         "reason": ("A young person with a visible injury who is frightened to go home, the adult she names still in "
                    "the household, and her mother not yet spoken to. Not lower, because Cleo is safe tonight with "
                    "her aunt and is talking to us.")},
        {"who": "Chris Notreal (fictional)", "role": "Designated safeguarding lead", "score": 3, "date": "@+17",
         "reason": ("I agree with the social worker. Cleo's trust in school and in her aunt are real strengths, but "
                    "nothing has yet changed at home.")},
    ],
    "score_up_one": (
        "Cleo: 'If Rob wasn't at home while all this gets sorted.' Ash Socialworker: 'Knowing that Nina believes "
        "Cleo and will keep her safe, with a safety plan agreed with her.'"),
    "safety_goals": (
        "For the next six months, Cleo will live where no adult hits, grabs, shoves or threatens her, and she will "
        "say she feels safe there. Nina will show that she believes Cleo and puts her safety first, by agreeing a "
        "safety plan with the social worker and keeping to it. If Cleo goes home, the adults there will manage "
        "arguments without any physical contact or threats, and Cleo will always have a named safe adult she can "
        "go to at any time."),
    "next_steps": [
        {"what": "Arrange for Cleo to stay with her aunt tonight, and until the enquiry decides what happens next.",
         "who": "Ash Socialworker (fictional), social worker", "by_when": "@+17", "review_date": "@+20",
         "done": True},
        {"what": "Speak to Nina and to Rob as part of the child protection enquiry, and check that Theo is safe.",
         "who": "Ash Socialworker (fictional) and PC Jamie Officer (fictional)", "by_when": "@+18",
         "review_date": "@+24", "done": False},
        {"what": "Give Cleo a daily check-in with a member of staff she trusts; refer her to the school counsellor.",
         "who": "Chris Notreal (fictional), designated safeguarding lead", "by_when": "@+18", "review_date": "@+31",
         "done": False},
        {"what": "Refer Cleo to Anytown Independent Advocacy Service (fictional), as she asked.",
         "who": "Chris Notreal (fictional), designated safeguarding lead", "by_when": "@+21", "review_date": "@+31",
         "done": False},
    ],
    "child_support": (
        "A daily check-in with her head of year, the school counsellor, and an independent advocate (referral "
        "made). Cleo says she would rather talk to someone 'who isn't a teacher', which the advocacy referral "
        "answers."),
    "outcome": "Child protection enquiry",
    # Not yet answered (nearly complete): dev_selfcare_15_17 and analysis_summary.
}

# ---------------------------------------------------------------------------------------------------------------------
# 4. Dev Testcase, aged 2: just started by the health visitor
# ---------------------------------------------------------------------------------------------------------------------

DEV_STARTED: dict[str, Any] = {
    "first_language": ("Gujarati at home; Dev's father also speaks English. Dev hears English at the family hub "
                       "stay-and-play."),
    "interpreter_needed": "yes",
    "interpreter_language": "Gujarati, for Dev's mother, Meera. She would prefer a female interpreter.",
    "child_seen": "yes",
    "child_seen_date": "@+31",
    "child_seen_alone": "no",
    "not_seen_alone_reason": (
        "Dev is two and was seen at home with his mother at his two-year review, which is right for his age. I will "
        "also see him at the family hub stay-and-play."),
    "baby_observation": (
        "Dev was playing with toy cars on the living room floor when I arrived. He was alert and curious, brought me "
        "a car and smiled. When the doorbell rang he went to his mother, who picked him up and reassured him, and he "
        "settled quickly. He said three single words ('mama', 'car', 'no') and pointed to show what he wanted. I saw "
        "a faded bruise about 2cm across on his left shin; Meera said he fell on the step at the park last week.\n\n"
        "What I think it means: a warm relationship in which Dev uses his mother as a secure base. His speech is "
        "behind what is expected for his age. The bruise fits the explanation for a toddler who is walking and "
        "climbing; I have recorded it and will discuss it in supervision."),
    "dev_health_0_2": (
        "Dev's weight and height follow the 50th centile in his red book, and his immunisations are up to date. He "
        "eats a varied diet but still has a bottle of milk at night. He sleeps in his own cot."),
}

# ---------------------------------------------------------------------------------------------------------------------
# The five assessments, in the order they are created
# ---------------------------------------------------------------------------------------------------------------------

DEMO_FAMILIES: list[dict[str, Any]] = [
    {
        "key": "ada-first",
        "child_name": "Ada Example (fictional)",
        "born": "@-2700",
        "day": "@+0",
        "practitioner": "Sam Worker (fictional)",
        "role": "Family support worker, Anytown Early Help Service (fictional)",
        "complete": True,
        "answers": ADA_FIRST,
    },
    {
        "key": "baby-prebirth",
        "child_name": "Baby Placeholder (fictional)",
        "due": "@+94",
        "day": "@+10",
        "practitioner": "Jo Practitioner (fictional)",
        "role": "Safeguarding midwife, Anytown General Hospital (fictional)",
        "complete": False,
        "answers": BABY_PREBIRTH,
    },
    {
        "key": "cleo-disclosure",
        "child_name": "Cleo Sample (fictional)",
        "born": "@-5690",
        "day": "@+17",
        "practitioner": "Chris Notreal (fictional)",
        "role": "Designated safeguarding lead, Anytown Academy (fictional)",
        "complete": False,
        "answers": CLEO_DISCLOSURE,
    },
    {
        "key": "dev-started",
        "child_name": "Dev Testcase (fictional)",
        "born": "@-850",
        "day": "@+31",
        "practitioner": "Pat Visitor (fictional)",
        "role": "Health visitor, Anytown Health Visiting Team (fictional)",
        "complete": False,
        "answers": DEV_STARTED,
    },
    {
        "key": "ada-review",
        "child_name": "Ada Example (fictional)",
        "same_child_as": "ada-first",
        "day": "@+182",
        "practitioner": "Sam Worker (fictional)",
        "role": "Family support worker, Anytown Early Help Service (fictional)",
        "complete": True,
        "answers": ADA_REVIEW,
    },
]


# ---------------------------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------------------------

def resolve_dates(value: Any, base: dt.date) -> Any:
    """``value`` with every ``"@+N"`` made an ISO date and every ``{@+N}`` in text written out, from ``base``."""
    if isinstance(value, str):
        if match := _DATE_VALUE.match(value):
            return (base + dt.timedelta(days=int(match[1]))).isoformat()
        return _DATE_IN_TEXT.sub(lambda m: _long_date(base + dt.timedelta(days=int(m[1]))), value)
    if isinstance(value, list):
        return [resolve_dates(item, base) for item in value]
    if isinstance(value, dict):
        return {key: resolve_dates(item, base) for key, item in value.items()}
    return value


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def generic_answer(question: Question, *, actor: str, on: dt.date) -> Any:
    """A plain, fictional answer of the right shape for a required question the data leaves empty."""
    kind = question.kind
    if kind in ("text", "long_text"):
        return GENERIC_TEXT
    if kind in ("yes_no", "date"):
        return "no" if kind == "yes_no" else on.isoformat()
    if kind in ("choice", "multi_choice"):
        first = (question.choices or [""])[0]
        return first if kind == "choice" else [first]
    later = (on + dt.timedelta(days=28)).isoformat()
    rows = {
        "people": {"name": "Alex Placeholder (fictional)", "relationship": "Parent", "involved": True},
        "scale": {"who": actor, "role": "Practitioner", "score": 5, "reason": GENERIC_TEXT, "date": on.isoformat()},
        "actions": {"what": "Review this assessment with the family.", "who": actor, "by_when": later,
                    "review_date": later, "done": False},
        "events": {"date": on.isoformat(), "event": GENERIC_TEXT, "source": actor, "impact": GENERIC_TEXT},
        "goals": {"danger": GENERIC_TEXT, "goal": GENERIC_TEXT, "how_long": "Six months"},
    }
    return [rows[kind]]


def fill_required(questionnaire: Questionnaire, band: str, answers: dict[str, Any], *,
                  actor: str, on: dt.date) -> dict[str, Any]:
    """``answers`` plus a generic answer for every required question that applies and has none.

    Repeats until nothing changes, since a filled-in answer can make another question apply.
    """
    filled = dict(answers)
    missing = True
    while missing:
        missing = [q for q in questionnaire.questions()
                   if q.required and q.id not in filled and questionnaire.is_shown(q, band, filled)]
        for question in missing:
            filled[question.id] = generic_answer(question, actor=actor, on=on)
    return filled


def _child_args(store: Store, family: dict[str, Any], base: dt.date, ids: dict[str, str]) -> dict[str, Any]:
    if "same_child_as" in family:
        return {"child_id": store.summary(ids[family["same_child_as"]]).child_id}
    if "due" in family:
        return {"child_name": family["child_name"], "unborn": True, "due": resolve_dates(family["due"], base)}
    return {"child_name": family["child_name"], "dob": resolve_dates(family["born"], base)}


class _WorkingDayClock:
    """Times as if each assessment were written on its own date: 09:00 UTC, two minutes per change."""

    def __init__(self) -> None:
        self.now = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def start(self, day: dt.date) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=2)
        return self.now


def _build_one(store: Store, questionnaire: Questionnaire, family: dict[str, Any], base: dt.date,
               ids: dict[str, str], clock: _WorkingDayClock) -> str:
    on = dt.date.fromisoformat(resolve_dates(family["day"], base))
    clock.start(on)
    actor, role = family["practitioner"], family["role"]
    aid = store.create_assessment(questionnaire=questionnaire, actor=actor, role=role,
                                  assessment_date=on.isoformat(), **_child_args(store, family, base, ids))
    answers = resolve_dates(family["answers"], base)
    if family["complete"]:
        answers = fill_required(questionnaire, store.summary(aid).age_band, answers, actor=actor, on=on)
    for qid, value in answers.items():
        store.save_answer(aid, qid, value, actor=actor, role=role)
    return aid


def build_demo(store: Store, questionnaire: Questionnaire, *, base_date: dt.date | None = None,
               families: list[dict[str, Any]] | None = None) -> list[str]:
    """Create the demonstration assessments in ``store`` (default: the five version-1 ones in
    ``DEMO_FAMILIES``); return their ids in the order given."""
    base = base_date or DEFAULT_BASE_DATE
    ids: dict[str, str] = {}
    clock, saved_clock = _WorkingDayClock(), store.clock
    store.clock = clock  # the records read as written on their assessment dates, not today
    try:
        for family in DEMO_FAMILIES if families is None else families:
            ids[family["key"]] = _build_one(store, questionnaire, family, base, ids, clock)
    finally:
        store.clock = saved_clock
    return list(ids.values())


def load_demo_families(folder: Path = DEMO_DATA_DIR) -> list[dict[str, Any]]:
    """The demo assessments written as data files (``*.toml`` in ``folder``, in file-name order).

    Each file holds ``key``, ``child_name``, ``born`` or ``due``, ``day``, ``practitioner``,
    ``role`` and a table of ``answers`` by question id; every answer is written out in the
    file (nothing is filled in), so ``complete`` is false.
    """
    families = []
    for path in sorted(folder.glob("*.toml")):
        family = tomllib.loads(path.read_text(encoding="utf-8"))
        family.setdefault("complete", False)
        families.append(family)
    return families


DEMO_FAMILIES_V2: list[dict[str, Any]] = load_demo_families()


def build_demo_v2(store: Store, questionnaire: Questionnaire, *, base_date: dt.date | None = None) -> list[str]:
    """Create the four version-2 demonstration assessments (unborn, toddler, school age, adolescent)."""
    return build_demo(store, questionnaire, base_date=base_date, families=DEMO_FAMILIES_V2)


def ensure_demo_db(path: Path) -> tuple[list[str], bool]:
    """Open the demo database at ``path``, building it first if it does not exist yet.

    Returns the assessment ids and whether anything was created.  The demo is
    built in a temporary file and moved into place when complete, so an
    interrupted build never leaves a half-made demo to be reused, and it always
    uses the shipped questionnaires (an organisation's own may ask other questions):
    version 1 for the first five, version 2 for the four after them.
    """
    if not path.exists():
        questionnaire = load_file(builtin_questionnaire_dir() / f"{DEFAULT_QUESTIONNAIRE}.toml")
        questionnaire_v2 = load_file(builtin_questionnaire_dir() / V2_QUESTIONNAIRE_FILE)
        building = path.with_name(f".{path.name}.building")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        with Store.open(building) as store:
            build_demo(store, questionnaire)
            build_demo_v2(store, questionnaire_v2)
        os.replace(building, path)
        created = True
    else:
        created = False
    with Store.open(path) as store:
        return list(store.iter_ids()), created
