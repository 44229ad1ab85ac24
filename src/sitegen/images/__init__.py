"""The archive's own copies of the pictures its articles show.

    manifest.py  what is known of each picture URL (kept, gone, refused…), committed with the site
    fetch.py     `sitegen images`: every new picture URL fetched once, politely, into the store
    picture.py   bytes → what they are (type, pixel size, hash) and the thumbnails made of them
    place.py     render time: each <img> of a body given its size, its published address, or a
                 placeholder where the picture is gone

`sitegen build` only reads the manifest and the thumbnails beside it; it never fetches.
"""
