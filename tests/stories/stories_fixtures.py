"""Small fictional news articles for the stories tests (written for these tests; no real text)."""

from __future__ import annotations

from pathlib import Path

from storyline.article import Article, Origin, Paragraph

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def make(
    id_: str,
    text: str,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
) -> Article:
    return Article(
        id=id_,
        origin=Origin(source=f"{id_}.txt", locator="", raw_hash=""),
        text=text,
        paragraphs=(Paragraph(0, len(text)),),
        raw_text=text,
        title=title,
        outlet=outlet,
        published=published,
    )


# Two different earthquakes in one month, each reported by outlets in their own words.
QUAKES = [
    make(
        "q1a",
        "A magnitude 6.2 earthquake struck the coastal province of Varnessa early on Tuesday, "
        "killing at least 14 people in the port town of Dellmoor. Rescue teams led by governor "
        "Ilse Marrow searched collapsed apartment blocks near the harbour through the night.",
        "Earthquake kills 14 in Varnessa port town of Dellmoor",
        "2031-03-04T06:00:00",
        "Daily Lantern",
    ),
    make(
        "q1b",
        "Rescuers in Dellmoor pulled survivors from the rubble on Tuesday after a 6.2 magnitude "
        "quake shook Varnessa province. Governor Ilse Marrow said 14 were confirmed dead and the "
        "harbour district of Dellmoor was worst hit.",
        "Dellmoor digs out after deadly Varnessa quake",
        "2031-03-04T11:30:00",
        "Evening Courier",
    ),
    make(
        "q1c",
        "The death toll from Tuesday's earthquake in Varnessa rose to 19, officials in Dellmoor "
        "said, as aftershocks rattled the province. Governor Ilse Marrow asked for tents.",
        "Varnessa earthquake toll rises to 19",
        "2031-03-05T09:00:00",
        "Morning Post",
    ),
    make(
        "q2a",
        "A magnitude 5.8 earthquake hit the mountain region of Oskary on Saturday, damaging "
        "homes in the village of Tarnhold. Mayor Pieter Quall said three people were injured and "
        "a landslide blocked the only road to Tarnhold.",
        "Earthquake damages homes in Oskary village of Tarnhold",
        "2031-03-22T08:00:00",
        "Daily Lantern",
    ),
    make(
        "q2b",
        "Villagers in Tarnhold spent Saturday night outdoors after a 5.8 quake in the Oskary "
        "mountains. Mayor Pieter Quall said a landslide had cut the road and three were hurt.",
        "Oskary quake: Tarnhold residents sleep outside",
        "2031-03-22T20:00:00",
        "Evening Courier",
    ),
]

# Two different celebrities entering two different rehab clinics.
REHAB = [
    make(
        "r1a",
        "Actress Marla Fenwick has checked into the Sunridge Recovery Center, her publicist Tom "
        "Abernay told reporters on Monday. Fenwick, 34, asked for privacy for her family.",
        "Marla Fenwick checks into Sunridge rehab",
        "2031-05-12T10:00:00",
    ),
    make(
        "r1b",
        "Marla Fenwick entered Sunridge Recovery Center on Monday, publicist Tom Abernay "
        "confirmed. The 34-year-old actress has been treated there before.",
        "Fenwick enters rehab at Sunridge",
        "2031-05-12T15:00:00",
    ),
    make(
        "r2a",
        "Singer Dario Klemm has checked into the Bluewater Clinic for treatment, his manager "
        "Anna Voss said on Wednesday. Klemm cancelled the rest of his summer tour.",
        "Dario Klemm checks into Bluewater Clinic rehab",
        "2031-05-14T09:00:00",
    ),
    make(
        "r2b",
        "Dario Klemm is in rehab at the Bluewater Clinic, manager Anna Voss confirmed on "
        "Wednesday, and the singer's summer tour is off.",
        "Klemm cancels tour, enters Bluewater Clinic",
        "2031-05-14T13:00:00",
    ),
]

# One storyline: talks between two fictional countries, two events months apart.
TALKS = [
    make(
        "t1a",
        "Kestrian president Orla Danvik and Morvian leader Haldor Brusk met in Geneva on Friday "
        "for the first summit between Kestria and Morvia, agreeing to reopen the Brenn border "
        "crossing and to hold talks on a trade treaty.",
        "Danvik and Brusk meet in Geneva, agree to reopen Brenn crossing",
        "2031-02-06T12:00:00",
    ),
    make(
        "t1b",
        "The leaders of Kestria and Morvia, Orla Danvik and Haldor Brusk, shook hands in Geneva "
        "on Friday and agreed that the Brenn border crossing will reopen next month.",
        "Kestria and Morvia leaders agree on Brenn crossing at Geneva summit",
        "2031-02-06T18:00:00",
    ),
    make(
        "t2a",
        "Morvian leader Haldor Brusk sent a letter to Kestrian president Orla Danvik proposing a "
        "second summit, Morvia's state news agency said on Sunday. Danvik said Kestria would "
        "answer the letter after consulting parliament.",
        "Brusk writes to Danvik proposing second Kestria-Morvia summit",
        "2031-07-19T08:00:00",
    ),
]

# Unrelated background news, so document frequencies are not those of two articles.
BACKGROUND = [
    make(
        "b1",
        "The city council of Lowmere approved a budget for new bus lanes on Thursday after a "
        "long debate about parking fees and cycling routes downtown.",
        "Lowmere council approves bus lanes",
        "2031-03-10T09:00:00",
    ),
    make(
        "b2",
        "Farmers in the Ellis valley expect a record apple harvest this autumn after a warm "
        "spring, the regional growers' association said.",
        "Ellis valley growers expect record apple harvest",
        "2031-04-02T09:00:00",
    ),
    make(
        "b3",
        "The Northgate Rovers beat Harlow Athletic 3-1 on Sunday to move top of the league, "
        "with striker Jonas Pell scoring twice in the second half.",
        "Rovers beat Harlow to go top",
        "2031-04-13T17:00:00",
    ),
    make(
        "b4",
        "Shares in the shipping firm Calder Lines fell sharply on Wednesday after the company "
        "warned that fuel costs would cut its annual profit.",
        "Calder Lines shares fall on profit warning",
        "2031-06-04T16:00:00",
    ),
]

CORPUS = QUAKES + REHAB + TALKS + BACKGROUND

# One champion's two title defences against different challengers, undated: the same event words,
# but each pair of reports keeps naming a challenger the other pair never mentions.
FIGHTS = [
    make(
        "f1a",
        "Dario Velkov retained his heavyweight title by stopping Imre Sandor in the seventh round "
        "in Lindau. Velkov knocked Sandor down twice before the referee halted the fight, and "
        "Sandor said afterwards that Velkov was the strongest champion he had faced.",
    ),
    make(
        "f1b",
        "Heavyweight champion Dario Velkov kept his belts with a seventh-round stoppage of Imre "
        "Sandor. Sandor, the challenger, was floored twice; Velkov now plans a summer defence "
        "after Sandor's corner failed to protest the stoppage.",
    ),
    make(
        "f2a",
        "Dario Velkov retained his heavyweight title by stopping Tomas Okafor in the sixth round "
        "in Brenn. Okafor was knocked down twice before the referee halted the fight, and Okafor "
        "said he would rest before deciding whether to fight on.",
    ),
    make(
        "f2b",
        "Heavyweight champion Dario Velkov kept his belts with a sixth-round stoppage of Tomas "
        "Okafor. Okafor, the challenger, was floored twice; Velkov said Okafor had fought bravely.",
    ),
]
